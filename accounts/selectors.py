"""Reads of the accounts room that several rooms need."""

from . import roles
from .models import User


def ministry_staff_emails() -> list[str]:
    """Who is told of what waits for ministry staff (new registrations, a closed call): every active staff
    account's address."""
    return list(
        User.objects.filter(groups__name=roles.MINISTRY_STAFF, is_active=True)
        .order_by("pk")
        .values_list("email", flat=True)
        .distinct()
    )
