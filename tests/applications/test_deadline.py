"""The hard deadline: 2026-02-27 18:00 KST (09:00 UTC), decided in one place, at the instant of arrival."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from applications import deadline, services
from applications.models import Application
from applications.workflow import State
from tests.factories import DEADLINE_2026, KST

LAST_MICROSECOND = datetime.datetime(2026, 2, 27, 17, 59, 59, 999999, tzinfo=KST)
AT_DEADLINE = datetime.datetime(2026, 2, 27, 18, 0, 0, tzinfo=KST)

pytestmark = pytest.mark.django_db


def test_deadline_is_0900_utc():
    assert DEADLINE_2026.astimezone(datetime.UTC) == datetime.datetime(2026, 2, 27, 9, 0, tzinfo=datetime.UTC)


def test_boundary(call):
    assert deadline.accepts_changes(call, LAST_MICROSECOND)
    assert deadline.accepts_submissions(call, LAST_MICROSECOND)
    assert not deadline.accepts_changes(call, AT_DEADLINE)
    assert not deadline.accepts_submissions(call, AT_DEADLINE)
    assert not deadline.accepts_submissions(call, call.opens_at - datetime.timedelta(microseconds=1))


def test_unpublished_call_accepts_nothing(call):
    call.published = False
    assert not deadline.accepts_changes(call, LAST_MICROSECOND)


def test_message_gives_the_deadline_in_kst(call):
    assert "2026-02-27 18:00" in deadline.deadline_passed_message(call)


def test_submit_at_the_last_microsecond_counts_and_records_that_instant(complete, applicant):
    version = services.submit(applicant, complete, at=LAST_MICROSECOND)
    complete.refresh_from_db()
    assert complete.status == State.SUBMITTED
    assert complete.submitted_at == LAST_MICROSECOND
    assert version.submitted_at == LAST_MICROSECOND
    assert complete.receipt_number == "2026-BAT-001"


def test_submit_at_1800_is_refused_and_nothing_changes(complete, applicant):
    with pytest.raises(Exception) as exc:
        services.submit(applicant, complete, at=AT_DEADLINE)
    assert "2026-02-27 18:00" in str(exc.value)
    complete.refresh_from_db()
    assert complete.status == State.DRAFT
    assert complete.versions.count() == 0
    assert complete.receipt_number is None


@pytest.mark.parametrize(
    "url_name", ["applications:section", "applications:attachments", "applications:submit", "applications:withdraw"]
)
def test_every_applicant_write_after_the_deadline_is_refused_with_the_deadline(client, complete, applicant, url_name):
    client.force_login(applicant)
    kwargs = {"pk": complete.pk, **({"key": "overview"} if url_name == "applications:section" else {})}
    before = complete.title
    with time_machine.travel(AT_DEADLINE, tick=False):
        if url_name == "applications:section":
            data = {"title": "마감 후 수정", "summary": "x", "revision": "0"}
        elif url_name == "applications:attachments":
            from django.core.files.uploadedfile import SimpleUploadedFile

            data = {"kind": "other", "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4 x", "application/pdf")}
        elif url_name == "applications:withdraw":
            data = {"reason": "철회"}
        else:
            data = {}
        response = client.post(reverse(url_name, kwargs=kwargs), data, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert "2026-02-27 18:00" in html and "deadline" in html
    complete.refresh_from_db()
    assert complete.title == before
    assert complete.status == State.DRAFT
    assert complete.attachments.count() == 3


def test_the_instant_of_arrival_decides_not_the_end_of_processing(rf, complete, applicant):
    """A request that arrived at 17:59:59.999999 is before the deadline even if processing ends after it."""
    from core.middleware import ReceivedAtMiddleware

    seen = {}

    def view(request):
        seen["at"] = request.received_at
        return None

    with time_machine.travel(LAST_MICROSECOND, tick=False):
        request = rf.post("/")
        ReceivedAtMiddleware(view)(request)
    with time_machine.travel(AT_DEADLINE + datetime.timedelta(seconds=5), tick=False):
        services.submit(applicant, complete, at=seen["at"])
    assert Application.objects.get(pk=complete.pk).submitted_at == LAST_MICROSECOND


def test_extending_the_deadline_reopens_submission_for_everyone(complete, applicant, ministry_staff):
    new = datetime.datetime(2026, 3, 3, 18, 0, tzinfo=KST)
    services.extend_deadline(ministry_staff, complete.call, new_deadline=new, reason="전산 장애", at=AT_DEADLINE)
    complete.call.refresh_from_db()
    services.submit(applicant, complete, at=AT_DEADLINE + datetime.timedelta(hours=1))
    complete.refresh_from_db()
    assert complete.status == State.SUBMITTED


def test_the_call_page_states_what_counts_as_sent_before_the_deadline(client, call, settings):
    settings.PORTAL_EDGE_MAX_TRANSFER_SECONDS = 600
    with time_machine.travel(LAST_MICROSECOND, tick=False):
        korean = client.get(reverse("applications:call", args=[call.slug])).content.decode()
        english = client.get(reverse("applications:call", args=[call.slug]), HTTP_ACCEPT_LANGUAGE="en")
    assert "마감 전 제출의 기준" in korean and "10분 안에" in korean
    assert "first reaches the portal's server" in english.content.decode()
    with time_machine.travel(AT_DEADLINE, tick=False):
        closed = client.get(reverse("applications:call", args=[call.slug])).content.decode()
    assert "마감 전 제출의 기준" not in closed
