"""Sending the decision notices and retrying a failed e-mail are the secretariat's: each service refuses anyone
else itself (the pages check it too, but a service called from a task, a command or a future page must not
rely on that), and every committee service records its audit event at the instant the caller gives — for a
page, the instant the request arrived."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from applications.models import AuditEvent
from committee import services
from committee.models import DecisionNotice, Meeting
from core.models import OutboxMessage
from tests.arrival import late_client
from tests.factories import KST, UserFactory

from .conftest import ANNOUNCEMENT, MEETING_DAY, meeting_data

pytestmark = pytest.mark.django_db
ONLY_SECRETARIAT = "Only the committee secretariat prepares meetings and records resolutions."
MIDNIGHT = datetime.datetime(2026, 7, 16, 0, 0, tzinfo=KST)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def failed_notice(secretariat, notice, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        services.send_notices(secretariat, [notice], at=ANNOUNCEMENT)
    notice = DecisionNotice.objects.get(pk=notice.pk)
    OutboxMessage.objects.filter(pk=notice.message_id).update(status=OutboxMessage.Status.FAILED, attempts=5)
    return notice


def others(plan_owner):
    """Everyone near the committee who is not its secretariat: ministry staff, a member, the plan's applicant."""
    return [UserFactory(roles=["ministry_staff"]), UserFactory(roles=["committee_member"]), plan_owner]


def test_only_the_secretariat_sends_the_notices(secretariat, notice, plan_owner):
    for actor in others(plan_owner):
        with pytest.raises(services.CommitteeRefusal) as exc:
            services.send_notices(actor, [notice], at=ANNOUNCEMENT)
        assert str(exc.value.message) == ONLY_SECRETARIAT
    assert not OutboxMessage.objects.exists() and not AuditEvent.objects.filter(action="notice_sent").exists()
    assert DecisionNotice.objects.get(pk=notice.pk).message is None
    assert services.send_notices(secretariat, [notice], at=ANNOUNCEMENT) == 1


def test_only_the_secretariat_retries_a_failed_e_mail(secretariat, failed_notice, plan_owner):
    for actor in others(plan_owner):
        with pytest.raises(services.CommitteeRefusal) as exc:
            services.retry_delivery(actor, failed_notice, at=ANNOUNCEMENT)
        assert str(exc.value.message) == ONLY_SECRETARIAT
    message = OutboxMessage.objects.get()
    assert message.status == OutboxMessage.Status.FAILED and message.attempts == 5
    assert not AuditEvent.objects.filter(action="notice_delivery_retried").exists()


def test_a_retry_is_recorded_at_the_instant_given(secretariat, failed_notice):
    at = ANNOUNCEMENT + datetime.timedelta(days=1)
    services.retry_delivery(secretariat, failed_notice, at=at)
    assert AuditEvent.objects.get(action="notice_delivery_retried").created_at == at


def test_a_meeting_is_saved_at_the_instant_given(call, secretariat):
    members = [UserFactory(roles=["committee_member"]) for _ in range(3)]
    at = MIDNIGHT - datetime.timedelta(microseconds=1)
    services.save_meeting(
        secretariat,
        at=at,
        members=members,
        attendees=members,
        chair=members[0],
        call=call,
        number=8,
        held_at=MEETING_DAY,
        place="정부세종청사",
    )
    assert AuditEvent.objects.get(action="committee_meeting_saved").created_at == at


# --- the pages pass the instant the request arrived (the clock moves on before the view runs) -------------


@pytest.fixture
def late(settings, client, secretariat):
    post = late_client(settings)
    client.force_login(secretariat)
    return lambda url, data, **instants: post(client, url, data, **instants)


def test_a_retry_page_records_the_arrival_instant(late, failed_notice):
    arrived = MIDNIGHT - datetime.timedelta(microseconds=1)
    late(reverse("committee:retry", args=[failed_notice.pk]), {}, arrived=arrived, handled=MIDNIGHT)
    assert AuditEvent.objects.get(action="notice_delivery_retried").created_at == arrived


def test_a_meeting_page_records_the_arrival_instant(late, meeting):
    arrived = MIDNIGHT - datetime.timedelta(microseconds=1)
    data = meeting_data(meeting, "2026-07-20T14:00")
    late(reverse("committee:meeting_edit", args=[meeting.pk]), data, arrived=arrived, handled=MIDNIGHT)
    assert Meeting.objects.get(pk=meeting.pk).place == data["place"]
    assert AuditEvent.objects.get(action="committee_meeting_saved").created_at == arrived
