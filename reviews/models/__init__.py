from .consultations import Consultation
from .evaluations import Recommendation, Review, ReviewPacket, Score, SubcommitteeNote
from .panels import Assignment, Conflict, ExpertProfile, Panel
from .rubrics import Criterion, Rubric, RubricLocked, Stage
from .standings import RankingSummary

__all__ = [
    "Assignment",
    "Conflict",
    "Consultation",
    "Criterion",
    "ExpertProfile",
    "Panel",
    "RankingSummary",
    "Recommendation",
    "Review",
    "ReviewPacket",
    "Rubric",
    "RubricLocked",
    "Score",
    "Stage",
    "SubcommitteeNote",
]
