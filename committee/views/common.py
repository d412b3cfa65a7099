"""Shared by the committee views: the one permission of the secretariat's pages, and refusals as messages."""

from django.contrib import messages
from django.core.exceptions import ValidationError

from applications.workflow import TransitionError
from core.permissions import role_required

from ..services import CommitteeRefusal

RECORD = "committee.record_resolutions"
secretariat_only = role_required(RECORD)
REFUSALS = (CommitteeRefusal, TransitionError)


def apply_validation_error(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field it names, or above the form."""
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def refuse(request, exc) -> None:
    messages.error(request, str(getattr(exc, "message", exc)))
