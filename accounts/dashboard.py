"""The accounts room's sections of My page (core.dashboard): the person's organisations, roles and account."""

from .models import Membership


def organisations(request) -> dict:
    return {"memberships": Membership.objects.filter(user=request.user).select_related("organization")}


def roles_and_account(request) -> dict:
    return {}


def register() -> None:
    from core import dashboard

    dashboard.register(10, "accounts/dashboard/organisations.html", organisations)
    dashboard.register(90, "accounts/dashboard/roles_and_account.html", roles_and_account)
