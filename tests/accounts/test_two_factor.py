"""Two-factor sign-in: ministry staff, the committee secretariat and admins confirm a TOTP code after their
password; before that, every page but the code page sends them there."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import roles
from accounts.demo import DEMO_PASSWORD, DEMO_TOTP_KEY
from accounts.rules import needs_second_factor
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.second_factor]


def log_in(client, user, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": user.email, "password": password})


def code(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key)
    totp.time += offset
    return f"{totp.token():06d}"


@pytest.mark.parametrize(
    ("kwargs", "required"),
    [
        ({"roles": [roles.MINISTRY_STAFF]}, True),
        ({"roles": [roles.SECRETARIAT]}, True),
        ({"is_staff": True}, True),
        ({"is_superuser": True}, True),
        ({"roles": [roles.EXPERT]}, False),
        ({"roles": [roles.COMMITTEE_MEMBER]}, False),
        ({}, False),
    ],
)
def test_who_needs_a_second_factor(kwargs, required):
    assert needs_second_factor(UserFactory(**kwargs)) is required


def test_staff_with_only_a_password_are_sent_to_enrol_and_see_no_staff_page(client):
    staff = UserFactory(roles=[roles.MINISTRY_STAFF])
    assert log_in(client, staff).status_code == 302
    response = client.get(reverse("accounts:approval_queue"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:two_factor"))
    response = client.get(response.url)
    assert response.url == reverse("accounts:two_factor_setup")
    assert client.get("/admin/").status_code == 302


def test_enrolment_shows_a_qr_code_then_confirms_a_code_and_gives_backup_codes(client):
    staff = UserFactory(roles=[roles.MINISTRY_STAFF])
    log_in(client, staff)
    page = client.get(reverse("accounts:two_factor_setup"))
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    wrong = client.post(reverse("accounts:two_factor_setup"), {"code": "000000" if code(device) != "000000" else "1"})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)  # django-otp's retry delay
    done = client.post(reverse("accounts:two_factor_setup"), {"code": code(device)})
    codes = done.context["codes"]
    assert len(codes) == 10 and all(code_ in done.content.decode() for code_ in codes)
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("accounts:approval_queue")).status_code == 200


def test_a_code_opens_the_staff_pages_and_a_wrong_code_does_not(client):
    staff = UserFactory(roles=[roles.SECRETARIAT])
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    log_in(client, staff)
    wrong = client.post(reverse("accounts:two_factor"), {"code": code(device, offset=3600)})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)  # django-otp's retry delay
    ok = client.post(
        reverse("accounts:two_factor") + "?next=/committee/", {"code": code(device), "next": "/committee/"}
    )
    assert ok.status_code == 302 and ok.url == "/committee/"
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_a_backup_code_works_once(client):
    staff = UserFactory(roles=[roles.MINISTRY_STAFF])
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    from django_otp.plugins.otp_static.models import StaticDevice

    backup = StaticDevice.objects.create(user=staff, name="backup")
    StaticToken.objects.create(device=backup, token="abcd2345")
    log_in(client, staff)
    assert client.post(reverse("accounts:two_factor"), {"code": "abcd 2345"}).status_code == 302
    assert not StaticToken.objects.filter(device=backup).exists()


def test_an_offsite_next_is_not_followed(client):
    staff = UserFactory(roles=[roles.MINISTRY_STAFF])
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    log_in(client, staff)
    response = client.post(reverse("accounts:two_factor"), {"code": code(device), "next": "https://evil.example/"})
    assert response.url == reverse("core:dashboard")


def test_applicants_and_experts_are_not_asked(client):
    for user in (UserFactory(), UserFactory(roles=[roles.EXPERT])):
        client.logout()
        log_in(client, user)
        assert client.get(reverse("core:dashboard")).status_code == 200


def test_the_demo_staff_account_logs_in_with_the_documented_key(client):
    call_command("seed_demo", "--quiet-accounts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    device = TOTPDevice.objects.get(user__email="staff@demo.kr")
    assert device.key == DEMO_TOTP_KEY
    client.post(reverse("accounts:login"), {"username": "staff@demo.kr", "password": DEMO_PASSWORD})
    assert client.post(reverse("accounts:two_factor"), {"code": code(device)}).status_code == 302
    assert client.get(reverse("accounts:approval_queue")).status_code == 200


def test_the_session_device_is_read_as_django_otp_reads_it(django_assert_num_queries):
    """accounts.middleware.OTPMiddleware reads the session's device with a compiled query (issue 12): for every
    persistent id a session may hold it finds what django-otp's own middleware finds, in one statement."""
    from django_otp.middleware import OTPMiddleware as DjangoOTPMiddleware
    from django_otp.plugins.otp_static.models import StaticDevice

    from accounts.middleware import OTPMiddleware

    staff = UserFactory(roles=[roles.MINISTRY_STAFF])
    totp = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    static = StaticDevice.objects.create(user=staff, name="backup", confirmed=True)
    unconfirmed = TOTPDevice.objects.create(user=staff, name="new phone", confirmed=False)
    ours, theirs = OTPMiddleware(lambda request: None), DjangoOTPMiddleware(lambda request: None)

    def fields(device):
        return None if device is None else (type(device), device.pk, device.user_id, device.confirmed, device.name)

    for device in (totp, static, unconfirmed):
        with django_assert_num_queries(1):
            found = ours._device_from_persistent_id(device.persistent_id)
        assert fields(found) == fields(theirs._device_from_persistent_id(device.persistent_id)) == fields(device)
    ids = [
        f"otp_totp.totpdevice/{static.pk + totp.pk + 100}",  # no such device
        f"otp_static.staticdevice/{totp.pk}" if totp.pk != static.pk else "otp_static.staticdevice/0",
        "otp_totp.totpdevice/abc",
        "otp_totp.totpdevice/\u0663",  # a digit, not an ASCII one
        "otp_totp.totpdevice/",
        "otp_totp.totpdevice/99999999999999999999",
        f"otp_totp.totpdevice/{2**31}",  # beyond the devices' 32-bit key
        f"otp_totp.totpdevice/{2**31 - 1}",  # the largest: asked, none
        "otp_totp.totpdevice",
        "no_such_app.device/1",
        f"django_otp.plugins.otp_totp.models.TOTPDevice/{totp.pk}",  # the legacy form, normalised as there
        "",
    ]
    for persistent_id in ids:
        found = ours._device_from_persistent_id(persistent_id)
        assert fields(found) == fields(theirs._device_from_persistent_id(persistent_id)), persistent_id


def test_a_session_naming_someone_elses_device_is_not_verified(client):
    """The device's binding to the user is still checked (django-otp's _finalize_device): a session whose device
    id is another account's (confirmed) device opens no staff page."""
    from django_otp import DEVICE_ID_SESSION_KEY

    staff, other = UserFactory(roles=[roles.MINISTRY_STAFF]), UserFactory(roles=[roles.MINISTRY_STAFF])
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    theirs = TOTPDevice.objects.create(user=other, name="phone", confirmed=True)
    client.force_login(staff)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = theirs.persistent_id
    session.save()
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:two_factor"))
    own = TOTPDevice.objects.get(user=staff)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = own.persistent_id
    session.save()
    assert client.get(reverse("core:dashboard")).status_code == 200
