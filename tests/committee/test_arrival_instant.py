"""The committee's pages act at the instant a request ARRIVED, not the instant it is handled (issue 11).

A test-only middleware right after ReceivedAtMiddleware moves the frozen clock on once the request has been
stamped, so a view that lets its service fall back to `timezone.now()` is caught: the announcement decides
whether notices may be sent, and the day in Seoul at arrival is the notice's date of issue.
"""

import datetime

import pytest
from django.urls import reverse

from applications.models import AuditEvent
from committee import services
from committee.models import AgendaItem, DecisionNotice, Resolution
from core.models import OutboxMessage
from tests.arrival import late_client
from tests.factories import KST

from .conftest import ANNOUNCEMENT, MEETING_DAY, minutes_pdf, resolution_data

pytestmark = pytest.mark.django_db
MICROSECOND = datetime.timedelta(microseconds=1)


@pytest.fixture
def late(settings, client, secretariat):
    post = late_client(settings)
    client.force_login(secretariat)

    def post_late(url, data, *, arrived, handled):
        return post(client, url, data, arrived=arrived, handled=handled)

    return post_late


@pytest.fixture
def ready(secretariat, item, django_capture_on_commit_callbacks):
    resolution = services.record_resolution(
        secretariat, item, at=MEETING_DAY, minutes=minutes_pdf(), **resolution_data()
    )
    with django_capture_on_commit_callbacks(execute=True):
        notice = services.confirm_resolution(secretariat, resolution, at=MEETING_DAY)
    return DecisionNotice.objects.get(pk=notice.pk)


def test_a_send_that_arrived_before_the_announcement_is_refused(late, meeting, ready):
    url = reverse("committee:send_notices", args=[meeting.pk])
    late(
        url,
        {"notice": [ready.pk]},
        arrived=ANNOUNCEMENT - MICROSECOND,
        handled=ANNOUNCEMENT + datetime.timedelta(seconds=5),
    )
    assert DecisionNotice.objects.get(pk=ready.pk).message is None
    assert not OutboxMessage.objects.exists()


def test_a_send_that_arrived_at_the_announcement_is_recorded_then(late, meeting, ready):
    url = reverse("committee:send_notices", args=[meeting.pk])
    late(url, {"notice": [ready.pk]}, arrived=ANNOUNCEMENT, handled=ANNOUNCEMENT + datetime.timedelta(seconds=5))
    assert DecisionNotice.objects.get(pk=ready.pk).message is not None
    assert AuditEvent.objects.get(action="notice_sent").created_at == ANNOUNCEMENT


MIDNIGHT = datetime.datetime(2026, 7, 16, 0, 0, tzinfo=KST)
BEFORE_MIDNIGHT = MIDNIGHT - MICROSECOND
AFTER_MIDNIGHT = MIDNIGHT + datetime.timedelta(seconds=5)


def test_recording_is_dated_at_arrival(late, item):
    url = reverse("committee:record", args=[item.pk])
    late(url, {**resolution_data(), "minutes": minutes_pdf()}, arrived=BEFORE_MIDNIGHT, handled=AFTER_MIDNIGHT)
    assert Resolution.objects.get().recorded_at == BEFORE_MIDNIGHT


def test_a_notice_confirmed_before_midnight_is_issued_that_day(late, secretariat, item):
    resolution = services.record_resolution(
        secretariat, item, at=MEETING_DAY, minutes=minutes_pdf(), **resolution_data()
    )
    url = reverse("committee:confirm", args=[resolution.pk])
    late(url, {"language": "ko", "understood": "on"}, arrived=BEFORE_MIDNIGHT, handled=AFTER_MIDNIGHT)
    resolution.refresh_from_db()
    assert resolution.confirmed_at == BEFORE_MIDNIGHT
    assert resolution.notice.issued_on == datetime.date(2026, 7, 15)


def test_a_correction_is_dated_at_arrival(late, secretariat, ready):
    url = reverse("committee:correct", args=[ready.resolution_id])
    data = {**resolution_data("not_designated"), "correction_reason": "표결 정정", "language": "ko", "understood": "on"}
    late(url, data, arrived=BEFORE_MIDNIGHT, handled=AFTER_MIDNIGHT)
    new = Resolution.objects.get(supersedes=ready.resolution_id)
    assert new.confirmed_at == BEFORE_MIDNIGHT and new.notice.issued_on == datetime.date(2026, 7, 15)


def test_an_agenda_item_is_added_at_arrival(late, meeting, plan):
    url = reverse("committee:add_agenda_item", args=[meeting.pk])
    late(url, {"application": plan.pk}, arrived=BEFORE_MIDNIGHT, handled=AFTER_MIDNIGHT)
    assert AgendaItem.objects.get(meeting=meeting, application=plan).added_at == BEFORE_MIDNIGHT
    assert AuditEvent.objects.get(action="agenda_item_added", application=plan).created_at == BEFORE_MIDNIGHT
