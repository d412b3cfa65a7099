"""The applications room's section of My page (core.dashboard): invitations waiting for the person's answer."""

from .models import Participation


def invitations(request) -> dict:
    return {"invitations": Participation.objects.answerable_by(request.user).waiting().count()}


def register() -> None:
    from core import dashboard

    dashboard.register(20, "applications/dashboard/invitations.html", invitations)
