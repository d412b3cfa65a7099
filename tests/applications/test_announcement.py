"""The call's timeline and the scheduled announcement (issue 13): the rule at its instants (the service), the
page as staff use it, and the embargo lifting at that second without anyone acting."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from accounts import roles
from applications import embargo, services
from applications.models import AuditEvent, BriefingSession, Call
from applications.workflow import TransitionError
from reviews.models import Stage
from tests.factories import DEADLINE_2026, KST, UserFactory, make_meeting, make_rubric

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
US = datetime.timedelta(microseconds=1)
NOW = datetime.datetime(2026, 7, 1, 9, 0, tzinfo=KST)
ANNOUNCEMENT = datetime.datetime(2026, 7, 31, 10, 0, tzinfo=KST)


@pytest.fixture
def staff(db):
    return UserFactory(roles=[roles.MINISTRY_STAFF], full_name="정책과 주무관")


def schedule(staff, call, when, at=NOW, reason="위원회 의결 후 보도 일정"):
    return services.schedule_announcement(staff, call, announcement_at=when, reason=reason, at=at)


class TestScheduleAnnouncement:
    @pytest.fixture(autouse=True)
    def english(self):
        with translation.override("en"):
            yield

    def test_sets_the_time_and_audits_it(self, staff, call):
        schedule(staff, call, ANNOUNCEMENT)
        call.refresh_from_db()
        assert call.announcement_at == ANNOUNCEMENT
        event = AuditEvent.objects.get(action="announcement_scheduled")
        assert (event.call, event.actor, event.reason) == (call, staff, "위원회 의결 후 보도 일정")
        assert event.data["from"] is None and datetime.datetime.fromisoformat(event.data["to"]) == ANNOUNCEMENT
        later = ANNOUNCEMENT + datetime.timedelta(days=1)
        schedule(staff, call, later, reason="보도 일정 변경")
        moved = AuditEvent.objects.filter(action="announcement_scheduled").last()
        assert [datetime.datetime.fromisoformat(moved.data[key]) for key in ("from", "to")] == [ANNOUNCEMENT, later]

    def test_must_be_after_the_deadline(self, staff, call):
        at = DEADLINE_2026 - datetime.timedelta(days=30)
        with pytest.raises(TransitionError, match="after the submission deadline"):
            schedule(staff, call, DEADLINE_2026, at=at)
        schedule(staff, call, DEADLINE_2026 + US, at=at)
        assert Call.objects.get(pk=call.pk).announcement_at == DEADLINE_2026 + US

    def test_must_be_ahead_of_the_instant_it_is_asked(self, staff, call):
        with pytest.raises(TransitionError, match="in the future"):
            schedule(staff, call, NOW, at=NOW)
        schedule(staff, call, NOW + US, at=NOW)

    def test_cannot_move_once_the_results_are_public(self, staff, call):
        schedule(staff, call, ANNOUNCEMENT)
        later = ANNOUNCEMENT + datetime.timedelta(days=7)
        schedule(staff, call, later, at=ANNOUNCEMENT - US)  # the last microsecond before: still movable
        with pytest.raises(TransitionError, match="can no longer be moved"):
            schedule(staff, call, later + datetime.timedelta(days=1), at=later)  # at the instant itself
        assert Call.objects.get(pk=call.pk).announcement_at == later
        assert AuditEvent.objects.filter(action="announcement_scheduled").count() == 2

    @pytest.mark.parametrize("role", [None, roles.SECRETARIAT, roles.EXPERT])
    def test_only_staff_who_manage_calls(self, call, role):
        with pytest.raises(PermissionDenied):
            schedule(UserFactory(roles=[role] if role else []), call, ANNOUNCEMENT)
        assert Call.objects.get(pk=call.pk).announcement_at is None

    def test_the_embargo_lifts_at_the_instant_by_itself(self, staff, call):
        schedule(staff, call, ANNOUNCEMENT)
        call.refresh_from_db()
        assert not embargo.released(call, ANNOUNCEMENT - US)
        assert embargo.released(call, ANNOUNCEMENT)


def timeline_url(call):
    return reverse("applications:staff_timeline", args=[call.slug])


class TestTimelinePage:
    def test_every_dated_step_in_time_order(self, client, staff, call):
        BriefingSession.objects.create(
            call=call, starts_at=datetime.datetime(2026, 1, 15, 14, 0, tzinfo=KST), place_ko="세종청사", capacity=100
        )
        make_rubric(call, due_at=datetime.datetime(2026, 4, 30, 18, 0, tzinfo=KST))
        make_rubric(call, Stage.SUBCOMMITTEE, due_at=datetime.datetime(2026, 6, 10, 18, 0, tzinfo=KST))
        make_meeting(call, created_by=staff)
        schedule(staff, call, ANNOUNCEMENT)
        client.force_login(staff)
        with time_machine.travel(NOW, tick=False):
            page = client.get(timeline_url(call), **EN).content.decode()
        order = [
            "Submissions open",
            "Briefing session: 세종청사",
            "Submission deadline",
            "Reviews due: Expert advisory review",
            "Reviews due: Subcommittee evaluation",
            "Committee meeting no. 7",
            "Announcement of the results",
        ]
        positions = [page.index(label) for label in order]
        assert positions == sorted(positions), positions
        assert "2026-02-27 18:00" in page and "2026-07-31 10:00" in page
        assert reverse("reviews:staff_panels", args=[call.slug]) in page
        assert "set to 2026-07-31 10:00 (KST) by 정책과 주무관" in page

    def test_scheduling_through_the_page_reads_seoul_time(self, client, staff, call, settings):
        settings.TIME_ZONE = "UTC"
        client.force_login(staff)
        with time_machine.travel(NOW, tick=False):
            response = client.post(timeline_url(call), {"announcement_at": "2026-07-31T10:00", "reason": "의결"})
        assert response.status_code == 302
        assert Call.objects.get(pk=call.pk).announcement_at == ANNOUNCEMENT

    def test_a_refused_time_is_shown_at_the_field_and_kept(self, client, staff, call):
        client.force_login(staff)
        with time_machine.travel(DEADLINE_2026 - datetime.timedelta(days=7), tick=False):
            response = client.post(
                timeline_url(call), {"announcement_at": "2026-02-27T17:00", "reason": "잘못 입력"}, **EN
            )
        page = response.content.decode()
        assert response.status_code == 200 and "after the submission deadline" in page
        assert 'value="2026-02-27T17:00"' in page and "잘못 입력" in page
        assert Call.objects.get(pk=call.pk).announcement_at is None

    def test_a_reason_is_required(self, client, staff, call):
        client.force_login(staff)
        with time_machine.travel(NOW, tick=False):
            response = client.post(timeline_url(call), {"announcement_at": "2026-07-31T10:00"}, **EN)
        assert "Give a reason" in response.content.decode()
        assert Call.objects.get(pk=call.pk).announcement_at is None

    def test_after_the_announcement_the_form_is_gone(self, client, staff, call):
        schedule(staff, call, ANNOUNCEMENT)
        client.force_login(staff)
        with time_machine.travel(ANNOUNCEMENT, tick=False):
            page = client.get(timeline_url(call), **EN).content.decode()
        assert "The results were announced at 2026-07-31 10:00" in page
        assert 'name="announcement_at"' not in page

    def test_the_plan_list_links_to_it(self, client, staff, call):
        client.force_login(staff)
        page = client.get(reverse("applications:staff_applications"), {"call": call.pk}).content.decode()
        assert timeline_url(call) in page
