"""Scheduled work around the deadline: closing a call, and the reminders before it."""

import datetime

import pytest
import time_machine

from accounts import roles
from accounts.models import Membership
from applications import deadline, services, tasks
from applications.models import Application, Call
from applications.workflow import State
from core.models import OutboxMessage
from tests.factories import (
    DEADLINE_2026,
    ApplicationFactory,
    CallFactory,
    FieldFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    return CallFactory(fields=[FieldFactory(code="BAT", name_ko="이차전지 기초 원료")])


def plan_of(call, organization=None, status=State.DRAFT):
    """A plan whose organisation has an owner, in `status` (set directly: tests only)."""
    organization = organization or OrganizationFactory()
    if not organization.memberships.exists():
        MembershipFactory(organization=organization, role=Membership.Role.OWNER)
    application = ApplicationFactory(call=call, organization=organization)
    Application.objects.filter(pk=application.pk).update(status=status)
    application.refresh_from_db()
    return application


def contacts(organization):
    return sorted(organization.memberships.values_list("user__email", flat=True))


# --- closing a call -----------------------------------------------------------------------------------


def test_closing_a_call_receives_submitted_plans_and_mails_staff_once(
    call, ministry_staff, django_capture_on_commit_callbacks, mailoutbox
):
    other_staff = UserFactory(roles=[roles.MINISTRY_STAFF])
    UserFactory(roles=[roles.MINISTRY_STAFF], is_active=False)
    submitted = [plan_of(call, status=State.SUBMITTED) for _ in range(2)]
    draft = plan_of(call)
    withdrawn = plan_of(call, status=State.WITHDRAWN)
    after = deadline.closes_at(call)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.close_call(call, at=after) == 2
    for plan in submitted:
        plan.refresh_from_db()
        assert plan.status == State.RECEIVED
        event = plan.audit_events.get(action="receive")
        assert event.actor is None and event.created_at == after
    draft.refresh_from_db()
    withdrawn.refresh_from_db()
    assert (draft.status, withdrawn.status) == (State.DRAFT, State.WITHDRAWN)
    call.refresh_from_db()
    assert call.closed_at == after

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert sorted(message.to) == sorted([ministry_staff.email, other_staff.email])
    assert call.title_ko in message.subject
    assert "이차전지 기초 원료" in message.body
    assert ": 2" in message.body  # two received

    # a second run (the beat task runs every few minutes) changes nothing and sends nothing
    with django_capture_on_commit_callbacks(execute=True):
        assert services.close_call(call, at=after + datetime.timedelta(minutes=5)) == 0
    call.refresh_from_db()
    assert call.closed_at == after
    assert len(mailoutbox) == 1
    assert OutboxMessage.objects.filter(reference__startswith="applications.call_closed:").count() == 1


@pytest.mark.parametrize("before", [DEADLINE_2026 - datetime.timedelta(microseconds=1), DEADLINE_2026])
def test_a_call_is_not_closed_before_its_deadline_and_grace(call, ministry_staff, before):
    """An amendment that reached the server at 17:59:59.999 may still be in progress at 18:00: closing then
    would refuse it. The close waits for the longest request (PORTAL_REQUEST_MAX_SECONDS)."""
    plan = plan_of(call, status=State.SUBMITTED)
    assert services.close_call(call, at=deadline.closes_at(call) - datetime.timedelta(microseconds=1)) == 0
    assert services.close_call(call, at=before) == 0
    plan.refresh_from_db()
    call.refresh_from_db()
    assert plan.status == State.SUBMITTED and call.closed_at is None
    assert not OutboxMessage.objects.exists()


def test_the_beat_task_closes_only_due_calls(call, ministry_staff):
    later = CallFactory(deadline=DEADLINE_2026 + datetime.timedelta(days=7))
    due = plan_of(call, status=State.SUBMITTED)
    not_due = plan_of(later, status=State.SUBMITTED)
    with time_machine.travel(deadline.closes_at(call), tick=False):
        assert tasks.close_due_calls() == 1
        assert tasks.close_due_calls() == 0
    due.refresh_from_db()
    not_due.refresh_from_db()
    assert (due.status, not_due.status) == (State.RECEIVED, State.SUBMITTED)
    assert Call.objects.get(pk=later.pk).closed_at is None


def test_a_plan_whose_submit_commits_after_the_close_is_received_by_the_next_run(call, ministry_staff):
    """Seen under load: a submit that arrived in time but committed just after the close stayed "submitted"
    forever (the close skipped closed calls), so it could never be screened."""
    with time_machine.travel(deadline.closes_at(call), tick=False):
        assert tasks.close_due_calls() == 0  # nothing submitted yet: the call is closed empty
    call.refresh_from_db()
    assert call.closed_at is not None
    late_commit = plan_of(call, status=State.SUBMITTED)  # its transaction commits now
    with time_machine.travel(deadline.closes_at(call) + datetime.timedelta(minutes=1), tick=False):
        assert tasks.close_due_calls() == 1
        assert tasks.close_due_calls() == 0
    late_commit.refresh_from_db()
    assert late_commit.status == State.RECEIVED
    assert OutboxMessage.objects.filter(reference__startswith="applications.call_closed:").count() == 1


def test_an_extended_call_is_summarised_again_when_it_closes_again(call, ministry_staff):
    after = deadline.closes_at(call)
    services.close_call(call, at=after)
    services.extend_deadline(
        ministry_staff, call, new_deadline=DEADLINE_2026 + datetime.timedelta(days=3), reason="연장", at=after
    )
    call.refresh_from_db()
    services.close_call(call, at=deadline.closes_at(call))
    assert OutboxMessage.objects.filter(reference__startswith="applications.call_closed:").count() == 2


# --- reminders before the deadline --------------------------------------------------------------------


@pytest.fixture
def organizations(call):
    """Two organisations with drafts (one of them with two), one with only a submitted plan, one withdrawn."""
    first, second = OrganizationFactory(), OrganizationFactory()
    plan_of(call, first)
    plan_of(call, first)
    plan_of(call, second)
    plan_of(call, status=State.SUBMITTED)
    plan_of(call, status=State.WITHDRAWN)
    return first, second


def remind(at):
    return tasks.send_deadline_reminders(at.isoformat())


@pytest.mark.parametrize(
    "before, label",
    [
        (datetime.timedelta(days=7), "7d"),
        (datetime.timedelta(days=2), "7d"),
        (datetime.timedelta(hours=24), "1d"),
        (datetime.timedelta(hours=3), "3h"),
        (datetime.timedelta(minutes=1), "3h"),
    ],
)
def test_reminders_go_once_to_each_organisation_with_a_draft(
    call, organizations, before, label, django_capture_on_commit_callbacks, mailoutbox
):
    at = DEADLINE_2026 - before
    with django_capture_on_commit_callbacks(execute=True):
        remind(at)
    with django_capture_on_commit_callbacks(execute=True):
        remind(at)  # the same run again (a retry, or two beat workers)
    assert sorted(sorted(message.to) for message in mailoutbox) == sorted(contacts(o) for o in organizations)
    references = OutboxMessage.objects.filter(reference__startswith="applications.reminder:").values_list(
        "reference", flat=True
    )
    assert len(references) == 2
    assert all(f":{label}:" in reference for reference in references)
    assert "2026-02-27 18:00" in mailoutbox[0].subject


def test_each_threshold_sends_its_own_reminder_and_nothing_outside_them(
    call, organizations, django_capture_on_commit_callbacks, mailoutbox
):
    moments = [
        DEADLINE_2026 - datetime.timedelta(days=8),  # too early
        DEADLINE_2026 - datetime.timedelta(days=6),
        DEADLINE_2026 - datetime.timedelta(days=5),  # still the 7-day reminder: already sent
        DEADLINE_2026 - datetime.timedelta(hours=20),
        DEADLINE_2026 - datetime.timedelta(hours=2),
        DEADLINE_2026 - datetime.timedelta(hours=1),
        DEADLINE_2026,  # the deadline has passed: no reminder
        DEADLINE_2026 + datetime.timedelta(hours=1),
    ]
    sent_after = []
    for moment in moments:
        with django_capture_on_commit_callbacks(execute=True):
            remind(moment)
        sent_after.append(len(mailoutbox))
    assert sent_after == [0, 2, 2, 4, 6, 6, 6, 6]


def test_no_reminder_for_organisations_without_drafts_or_for_unpublished_calls(
    call, django_capture_on_commit_callbacks, mailoutbox
):
    plan_of(call, status=State.SUBMITTED)
    hidden = CallFactory(published=False)
    plan_of(hidden)
    with django_capture_on_commit_callbacks(execute=True):
        remind(DEADLINE_2026 - datetime.timedelta(hours=1))
    assert mailoutbox == []


def test_an_extended_deadline_starts_a_new_series(
    call, organizations, ministry_staff, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        remind(DEADLINE_2026 - datetime.timedelta(hours=1))
    new_deadline = DEADLINE_2026 + datetime.timedelta(days=7)
    services.extend_deadline(
        ministry_staff,
        call,
        new_deadline=new_deadline,
        reason="연장",
        at=DEADLINE_2026 - datetime.timedelta(minutes=30),
    )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        remind(new_deadline - datetime.timedelta(hours=1))
    assert len(mailoutbox) == 2
    assert "2026-03-06 18:00" in mailoutbox[0].subject
