import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts import roles
from accounts.models import Membership
from tests.factories import KST, CallFactory, FieldFactory, MembershipFactory, UserFactory, make_meeting, referred_plan

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ANNOUNCEMENT = datetime.datetime(2026, 7, 31, 10, 0, tzinfo=KST)
MEETING_DAY = datetime.datetime(2026, 7, 15, 11, 0, tzinfo=KST)
AFTER_ANNOUNCEMENT = ANNOUNCEMENT + datetime.timedelta(minutes=1)

GOOD_VOTES = {"votes_for": 3, "votes_against": 0, "votes_abstaining": 0}


def minutes_pdf(name="minutes.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def resolution_data(decision="designated", **overrides):
    data = {"decision": decision, "conditions": "", "reasons": "투자 확실성과 생태계 연계가 우수함", **GOOD_VOTES}
    data.update(overrides)
    return data


def meeting_data(meeting, held_at):
    """The meeting form's fields, as posted, for `meeting`'s call and people (number 8, held at `held_at`)."""
    return {
        "call": meeting.call_id,
        "number": 8,
        "held_at": held_at,
        "place": "세종청사",
        "chair": meeting.chair_id,
        "members": [m.pk for m in meeting.members.all()],
        "attendees": [m.pk for m in meeting.attendees.all()],
        "attendance_threshold": meeting.attendance_threshold,
        "approval_threshold": meeting.approval_threshold,
    }


@pytest.fixture
def call(db):
    return CallFactory(fields=[FieldFactory(code="BAT")], announcement_at=ANNOUNCEMENT)


@pytest.fixture
def secretariat(db):
    return UserFactory(roles=[roles.SECRETARIAT], full_name="사무국 간사")


@pytest.fixture
def meeting(call, secretariat):
    """The 7th meeting: 5 members, 3 present (quorum reached, more than half)."""
    return make_meeting(call, members=5, present=3, created_by=secretariat)


@pytest.fixture
def plan_owner(db):
    return UserFactory(email="owner@ulsan.go.kr")


@pytest.fixture
def plan(call, plan_owner):
    plan = referred_plan(call)
    MembershipFactory(user=plan_owner, organization=plan.organization, role=Membership.Role.OWNER)
    return plan


@pytest.fixture
def item(meeting, plan, secretariat):
    from committee import services

    return services.add_to_agenda(secretariat, meeting, plan, at=MEETING_DAY)


@pytest.fixture
def notice(secretariat, item, django_capture_on_commit_callbacks):
    """The item's resolution recorded and confirmed at the meeting: its decision notice, PDF made (the task ran)."""
    from committee import services
    from committee.models import DecisionNotice

    resolution = services.record_resolution(
        secretariat, item, at=MEETING_DAY, minutes=minutes_pdf(), **resolution_data()
    )
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = services.confirm_resolution(secretariat, resolution, at=MEETING_DAY)
    return DecisionNotice.objects.get(pk=confirmed.pk)
