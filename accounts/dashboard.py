"""The accounts room's sections of My page (core.dashboard): the person's organisations, roles and account."""

from .models import Membership


def organisations(request) -> dict:
    return {"memberships": Membership.objects.filter(user=request.user).select_related("organization")}


def roles_and_account(request) -> dict:
    return {}


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    from core import dashboard

    dashboard.register_todo("registrations", 1, _("Registrations to approve"), organisations_to_approve)
    dashboard.register(10, "accounts/dashboard/organisations.html", organisations)
    dashboard.register(90, "accounts/dashboard/roles_and_account.html", roles_and_account)


def organisations_to_approve(request) -> list:
    """Staff: registrations waiting for approval, and how long the oldest has waited."""
    from django.urls import reverse
    from django.utils.translation import ngettext

    from core.dashboard import Todo

    from .models import Organization

    if not request.user.has_perm("accounts.review_organizations"):
        return []
    pending = Organization.objects.pending()
    count = pending.count()
    if not count:
        return []
    oldest = pending.order_by("created_at").values_list("created_at", flat=True).first()
    days = max((request.received_at - oldest).days, 0)
    text = ngettext(
        "%(count)s organisation is waiting for approval; the oldest registered %(days)s day(s) ago.",
        "%(count)s organisations are waiting for approval; the oldest registered %(days)s day(s) ago.",
        count,
    ) % {"count": count, "days": days}
    return [Todo(text, reverse("accounts:approval_queue"))]
