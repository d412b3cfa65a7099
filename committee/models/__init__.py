from .conditions import Condition, ConditionAnswer
from .meetings import AgendaItem, Meeting, Threshold
from .notices import DecisionNotice, NoticeCounter
from .resolutions import Decision, Resolution

__all__ = [
    "AgendaItem",
    "Condition",
    "ConditionAnswer",
    "Decision",
    "DecisionNotice",
    "Meeting",
    "NoticeCounter",
    "Resolution",
    "Threshold",
]
