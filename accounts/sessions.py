"""How long a signed-in session may sit idle, and the mark a browser keeps of having been signed in.

The idle limit depends on the role: staff roles hold other people's plans and scores (30 minutes), applicants
draft long texts (two hours). SESSION_COOKIE_AGE remains the absolute ceiling from sign-in.

The mark is a signed cookie, refreshed on every signed-in response and kept after the session ends. It lets
an expired session keep the form its owner was typing (applications.views.plans.edit_section) without the
portal storing anything for visitors who were never signed in.
"""

import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core import signing
from django.dispatch import receiver

from . import roles

LAST_ACTIVITY = "portal-last-activity"
SIGNED_IN_AT = "portal-signed-in-at"
SIGNED_IN_MARK = "portal_signed_in"
_MARK_SALT = "accounts.sessions.signed-in"
_MARK_MAX_AGE = 24 * 60 * 60  # a browser signed in within the last day may keep one typed form
_STAMP_EVERY = 60  # seconds: the session is written at most once a minute just to note activity


def has_staff_role(user) -> bool:
    return user.is_staff or user.is_superuser or any(user.has_role(role) for role in roles.STAFF_ROLES)


def idle_timeout(user) -> int:
    """Seconds of inactivity after which the user is signed out (0: never, only SESSION_COOKIE_AGE applies)."""
    if has_staff_role(user):
        return settings.PORTAL_IDLE_TIMEOUT_STAFF
    return settings.PORTAL_IDLE_TIMEOUT_APPLICANT


def warning_seconds(user) -> int:
    """How long before the idle sign-out the page warns (never more than half the limit)."""
    return min(settings.PORTAL_IDLE_WARNING_SECONDS, idle_timeout(user) // 2)


def idle_expired(request, now: float | None = None) -> bool:
    last = request.session.get(LAST_ACTIVITY)
    now = time.time() if now is None else now
    timeout = idle_timeout(request.user)
    if not timeout or last is None:
        return False
    # Noting activity saves the session, which slides its expiry: the sign-in time keeps the working-day ceiling.
    signed_in = request.session.get(SIGNED_IN_AT, last)
    return now - last > timeout or now - signed_in > settings.SESSION_COOKIE_AGE


def seconds_left(request, now: float | None = None) -> int:
    now = time.time() if now is None else now
    last = request.session.get(LAST_ACTIVITY, now)
    return max(0, int(last + idle_timeout(request.user) - now))


def note_activity(request, now: float | None = None) -> None:
    if not idle_timeout(request.user):
        return
    now = time.time() if now is None else now
    last = request.session.get(LAST_ACTIVITY)
    if last is None:
        request.session[SIGNED_IN_AT] = int(now)
    if last is None or now - last >= _STAMP_EVERY:
        request.session[LAST_ACTIVITY] = int(now)


@receiver(user_logged_in)
def _stamp_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SIGNED_IN_AT] = request.session[LAST_ACTIVITY] = now


def mark_signed_in(response, user) -> None:
    response.set_signed_cookie(
        SIGNED_IN_MARK,
        str(user.pk),
        salt=_MARK_SALT,
        max_age=_MARK_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def forget_signed_in(response) -> None:
    response.delete_cookie(SIGNED_IN_MARK, samesite="Lax")


def was_recently_signed_in(request) -> bool:
    """Whether this browser was signed in to the portal within the last day (the session itself may be gone)."""
    try:
        request.get_signed_cookie(SIGNED_IN_MARK, salt=_MARK_SALT, max_age=_MARK_MAX_AGE)
    except (KeyError, signing.BadSignature):
        return False
    return True
