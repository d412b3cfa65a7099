from .audit import AuditChainHead, AuditEvent
from .briefings import BriefingRegistration, BriefingSession, Question
from .calls import Call, CallDocument, DeadlineExtension, ExistingComplex, Field
from .plans import (
    AnchorCompany,
    Application,
    Attachment,
    InfrastructureNeed,
    Participation,
    PlanNarrative,
    PlanSection,
    PlanVersion,
    ReceiptCounter,
    Site,
)

__all__ = [
    "AnchorCompany",
    "Application",
    "Attachment",
    "AuditChainHead",
    "AuditEvent",
    "BriefingRegistration",
    "BriefingSession",
    "Call",
    "CallDocument",
    "DeadlineExtension",
    "ExistingComplex",
    "Field",
    "InfrastructureNeed",
    "Participation",
    "PlanNarrative",
    "PlanSection",
    "PlanVersion",
    "Question",
    "ReceiptCounter",
    "Site",
]
