"""Shared by the applications views: loading a plan the user may see, and turning refusals into messages."""

from django.contrib import messages
from django.shortcuts import redirect

from core.permissions import get_permitted_object_or_404

from .. import deadline, workflow
from ..models import Application
from ..uploads import UploadRefused

REFUSALS = (deadline.DeadlinePassed, deadline.NotOpenYet, workflow.TransitionError, UploadRefused)


def load_application(request, pk, perm=None):
    """The plan from the queryset the user's lists use (404 if not in it), then the action `perm` on it."""
    queryset = Application.objects.visible_to(request.user).select_related(
        "call", "field", "organization", "organization__region"
    )
    return get_permitted_object_or_404(request.user, perm, queryset, pk=pk)


def refusal_message(exc) -> str:
    return str(getattr(exc, "message", None) or exc)


def refuse(request, exc, to):
    messages.error(request, refusal_message(exc))
    return redirect(to)
