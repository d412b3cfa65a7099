"""Login throttling (django-axes): how a failed login is attributed, what a locked-out person is told, and
how a new password lifts the lock."""

from axes.helpers import get_cool_off, get_failure_limit
from axes.utils import reset
from django.conf import settings
from django.shortcuts import render


def login_username(request, credentials) -> str | None:
    """The e-mail address as the login form received it, case-folded: Ann@x.kr and ann@x.kr share a counter."""
    username = (credentials or {}).get("username") or request.POST.get("username")
    return username.strip().lower() if username else None


def lockout_response(request, original_response=None, credentials=None):
    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    return render(request, "accounts/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


def lift_lock(user) -> None:
    """Someone who proved they own the mailbox (a password reset) may log in again at once, from anywhere."""
    reset(username=user.email.lower())
