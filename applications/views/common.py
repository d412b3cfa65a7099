"""Shared by the applications views: loading a plan the user may see, and turning refusals into messages."""

from django.contrib import messages
from django.shortcuts import redirect

from core.permissions import get_permitted_object_or_404

from .. import deadline, workflow
from ..models import Application
from ..uploads import UploadRefused

REFUSALS = (deadline.DeadlinePassed, deadline.NotOpenYet, workflow.TransitionError, UploadRefused)


def load_application(request, pk, perm="applications.view_application"):
    queryset = Application.objects.select_related("call", "field", "organization", "organization__region")
    return get_permitted_object_or_404(request.user, perm, queryset, pk=pk)


def refusal_message(exc) -> str:
    return str(getattr(exc, "message", None) or exc)


def refuse(request, exc, to):
    messages.error(request, refusal_message(exc))
    return redirect(to)
