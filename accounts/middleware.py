"""Signed-in sessions: the idle timeout, the signed-in mark, and the second factor staff roles must pass."""

from django.contrib import messages
from django.contrib.auth import logout, user_logged_out
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import ngettext
from django_otp.middleware import OTPMiddleware as DjangoOTPMiddleware
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.compiled import INT32_RANGE, SENTINEL_INT32, CompiledQuery

from . import sessions
from .rules import needs_second_factor


@receiver(user_logged_out)
def _note_logout(sender, request, **kwargs):
    if request is not None:
        request.portal_logged_out = True


class IdleTimeoutMiddleware:
    """Sign out a session left idle for longer than its role allows, and carry on as an anonymous request:
    the view then asks for a login, and a section form posted at that moment is kept (see edit_section)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        idle_out = False
        if request.user.is_authenticated:
            if sessions.idle_expired(request):
                minutes = sessions.idle_timeout(request.user) // 60
                logout(request)
                idle_out = True
                messages.info(
                    request,
                    ngettext(
                        "You were signed out after %(minutes)d minute without activity. Log in again to continue.",
                        "You were signed out after %(minutes)d minutes without activity. Log in again to continue.",
                        minutes,
                    )
                    % {"minutes": minutes},
                )
            elif request.path != reverse("accounts:session_status") or request.method == "POST":
                sessions.note_activity(request)
        response = self.get_response(request)
        if request.user.is_authenticated:
            sessions.mark_signed_in(response, request.user)
        elif getattr(request, "portal_logged_out", False) and not idle_out:
            sessions.forget_signed_in(response)  # a deliberate log-out leaves nothing to come back to
        return response


def _open_without_second_factor(path: str) -> bool:
    from django.conf import settings

    if path.startswith(settings.STATIC_URL):
        return True
    return path in {
        reverse("accounts:two_factor"),
        reverse("accounts:two_factor_setup"),
        reverse("accounts:logout"),
        reverse("accounts:session_status"),
        reverse("set_language"),
        reverse("javascript-catalog"),
        reverse("health"),
    }


class SecondFactorMiddleware:
    """A staff-role account signed in with its password alone opens nothing but the code page (or, before it
    has an authenticator, the enrolment page)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and needs_second_factor(user)
            and not _open_without_second_factor(request.path)
        ):
            query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
            return redirect(reverse("accounts:two_factor") + (f"?{query}" if query else ""))
        return self.get_response(request)


# The second-factor devices a staff session may name, each read by id compiled once per connection and prepared
# on PostgreSQL (core/compiled.py, issue 12): django-otp's middleware reads the session's device with the ORM on
# every staff request (~0.5 ms of Django compiling a one-row query).
_DEVICE_BY_ID = {
    model.model_label(): CompiledQuery(
        lambda pk, model=model: model.objects.filter(id=pk), sentinel=SENTINEL_INT32, integer_range=INT32_RANGE
    )
    for model in (TOTPDevice, StaticDevice)
}


class OTPMiddleware(DjangoOTPMiddleware):
    """django-otp's OTPMiddleware (request.user.otp_device and is_verified(), the device's binding to the user and
    its confirmation checked as there), reading the session's device with `_DEVICE_BY_ID`. A persistent id of
    another form or device type goes to django-otp's own read, which answers it as before."""

    def _device_from_persistent_id(self, persistent_id: str):
        label, _, device_id = self._normalize_persistent_id(persistent_id).rpartition("/")
        read = _DEVICE_BY_ID.get(label)
        if read is None or not device_id.isascii() or not device_id.isdigit():
            return super()._device_from_persistent_id(persistent_id)
        return read.first(int(device_id))
