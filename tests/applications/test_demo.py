"""The demo lets every role do its step right after `make run`, on whatever date it is seeded."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from applications import services
from applications.models import Application, Call
from applications.workflow import State

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(tmp_path):
    call_command("seed_demo", "--quiet-accounts", stdout=open("/dev/null", "w"))  # noqa: SIM115


def _draft_in_practice(owner_email: str) -> Application:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from applications.demo_plans import MINIMAL_PDF, _fill

    owner = User.objects.get(email=owner_email)
    practice = Call.objects.get(slug="practice")
    now = timezone.now()
    organization = owner.memberships.get().organization
    plan = services.create_application(
        owner, call=practice, field=practice.fields.get(code="BAT"), organization=organization, title="연습", at=now
    )
    _fill(plan, "31", "온산 국가산업단지", "울주군", 1_000_000, "한빛이차전지소재", "617-86-00006", 10**12, 500)
    for kind in ("plan_document", "investment_mou", "site_map"):
        upload = SimpleUploadedFile(f"{kind}.pdf", MINIMAL_PDF, content_type="application/pdf")
        services.upload_attachment(owner, plan, kind=kind, upload=upload, at=now)
    return plan


@pytest.mark.parametrize(
    "seeded_on", [datetime.date(2026, 12, 1), datetime.date(2026, 3, 2), datetime.date(2027, 6, 1)]
)
def test_a_newcomer_submits_in_the_practice_call_on_any_seeding_date(seeded_on):
    """Reported: after `make run` on 2026-12-01 the first submit in the practice call was a 500 (its receipt
    number 2026-BAT-001 already belonged to the 2026 call)."""
    with time_machine.travel(datetime.datetime.combine(seeded_on, datetime.time(10, 0), datetime.UTC), tick=False):
        call_command("seed_demo", "--quiet-accounts", stdout=open("/dev/null", "w"))  # noqa: SIM115
        plan = _draft_in_practice("applicant@demo.kr")
        services.submit(User.objects.get(email="applicant@demo.kr"), plan, at=timezone.now())
    plan.refresh_from_db()
    assert plan.status == State.SUBMITTED
    assert plan.receipt_number == "PRACTICE-BAT-001"
    assert Application.objects.filter(receipt_number__startswith="2026-BAT-").count() >= 3


def test_the_demo_panels_have_english_names(demo):
    from reviews.models import Panel

    panels = Panel.objects.filter(call__slug="2026-specialized-complex")
    assert panels.count() >= 2 and all(panel.name_en for panel in panels)
    battery = panels.get(field__code="BAT", stage="advisory")
    assert battery.name_en == f"{battery.field.name_en} expert advisory panel"


def test_the_demo_leaves_a_received_plan_for_staff_to_screen(demo):
    main = Call.objects.get(slug="2026-specialized-complex")
    waiting = main.applications.filter(status=State.RECEIVED)
    assert waiting.count() == 1
    staff = User.objects.get(email="staff@demo.kr")
    services.screen(staff, waiting.get(), eligible=True, at=timezone.now())


@pytest.mark.parametrize(
    "email, sections",
    [
        ("staff@demo.kr", ["todo-registrations", "todo-staff-plans", "todo-consultations"]),
        ("expert@demo.kr", ["todo-reviews"]),
        ("chair@demo.kr", ["todo-recommendations"]),
        ("applicant@demo.kr", ["todo-my-plans"]),
        ("secretariat@demo.kr", ["todo-committee"]),
    ],
)
def test_every_role_finds_its_to_do_list_on_my_page(demo, client, email, sections):
    from django.urls import reverse
    from django_otp import devices_for_user

    user = User.objects.get(email=email)
    client.force_login(user)
    device = next(iter(devices_for_user(user)), None)
    if device is not None:  # the demo's staff accounts sign in with a second factor
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 200
    page = response.content.decode()
    for section in sections:
        assert f'id="{section}"' in page, section
