"""applications/workflow.py and transitions.py (issue 11): registering, the refusals in their order, what a
transition records and runs, and each guard of the applicant's transitions at its instant."""

import datetime

import pytest

from applications import services, transitions, workflow
from applications.models import Application, AuditEvent
from applications.workflow import State, Transition, TransitionError

from .conftest import BEFORE

pytestmark = pytest.mark.django_db
AT_DEADLINE = datetime.datetime(2026, 2, 27, 9, 0, tzinfo=datetime.UTC)
TICK = datetime.timedelta(microseconds=1)


@pytest.fixture
def scratch_transition():
    """A transition registered for one test (and removed after it)."""
    effects = []

    def allowed(user, application):
        return user.email.startswith("ok")

    transition = Transition(
        "test_note",
        (State.DRAFT,),
        State.DRAFT,
        "Note",
        allowed,
        guards=(lambda application, at: "closed" if at >= AT_DEADLINE else None,),
        effects=(lambda application, actor, at, data: effects.append((application.pk, actor, at, data)),),
    )
    workflow.register(transition)
    yield transition, effects
    del workflow.TRANSITIONS["test_note"]


def test_registering_the_same_transition_twice_is_fine_but_a_different_one_is_refused(scratch_transition):
    transition, _effects = scratch_transition
    workflow.register(transition)
    with pytest.raises(ValueError, match="test_note"):
        workflow.register(Transition("test_note", (State.DRAFT,), State.SUBMITTED, "Other", transition.allowed))
    assert workflow.TRANSITIONS["test_note"] is transition


def test_perform_records_runs_effects_and_updates_the_caller_s_object(plan, scratch_transition):
    from tests.factories import UserFactory

    _transition, effects = scratch_transition
    actor = UserFactory(email="ok@example.kr")
    plan.status = "stale"
    locked = workflow.perform(plan, "test_note", actor, at=BEFORE, reason="메모", data={"k": 1})
    assert plan.status == locked.status == State.DRAFT
    assert locked.status_reason == "메모"
    assert effects == [(plan.pk, actor, BEFORE, {"k": 1})]
    event = AuditEvent.objects.filter(action="test_note").get()
    assert (event.actor, event.from_status, event.to_status, event.reason, event.data, event.created_at) == (
        actor,
        State.DRAFT,
        State.DRAFT,
        "메모",
        {"k": 1},
        BEFORE,
    )
    assert event.call == plan.call


def test_perform_without_a_reason_keeps_the_previous_one(plan, scratch_transition):
    from tests.factories import UserFactory

    Application.objects.filter(pk=plan.pk).update(status_reason="이전 사유")
    workflow.perform(plan, "test_note", UserFactory(email="ok@example.kr"), at=BEFORE)
    assert Application.objects.get(pk=plan.pk).status_reason == "이전 사유"
    assert AuditEvent.objects.filter(action="test_note").get().data == {}


def test_the_refusals_and_their_order(plan, scratch_transition):
    from tests.factories import UserFactory

    _transition, effects = scratch_transition
    refused = UserFactory(email="no@example.kr")
    with pytest.raises(TransitionError) as who:
        workflow.perform(plan, "test_note", refused, at=AT_DEADLINE)  # both the actor and the guard fail
    assert str(who.value) == "이 작업을 할 권한이 없습니다."
    with pytest.raises(TransitionError) as guard:
        workflow.perform(plan, "test_note", UserFactory(email="ok2@example.kr"), at=AT_DEADLINE)
    assert guard.value.message == "closed"
    # The system (no actor) is not asked for permission, only the guards.
    workflow.perform(plan, "test_note", None, at=AT_DEADLINE - TICK)
    Application.objects.filter(pk=plan.pk).update(status=State.SUBMITTED)
    with pytest.raises(TransitionError):
        workflow.perform(plan, "test_note", None, at=BEFORE)
    assert len(effects) == 1


def test_perform_without_an_instant_uses_the_clock(plan, scratch_transition):
    import time_machine

    with time_machine.travel(BEFORE, tick=False):
        workflow.perform(plan, "test_note", None)
    assert AuditEvent.objects.filter(action="test_note").get().created_at == BEFORE


# --- the guards of the applications room, each at its instant ----------------------------------------


def test_before_deadline_guard(plan):
    assert transitions.before_deadline(plan, AT_DEADLINE - TICK) is None
    assert "2026-02-27 18:00" in transitions.before_deadline(plan, AT_DEADLINE)


def test_call_open_for_submission_guard(plan):
    call = plan.call
    assert transitions.call_open_for_submission(plan, call.opens_at) is None
    assert "2025-12-29 09:00" in transitions.call_open_for_submission(plan, call.opens_at - TICK)
    assert "2026-02-27 18:00" in transitions.call_open_for_submission(plan, AT_DEADLINE)


def test_organization_approved_guard(plan):
    from accounts.models import Organization

    assert transitions.organization_approved(plan, BEFORE) is None
    Organization.objects.filter(pk=plan.organization_id).update(status=Organization.Status.PENDING)
    plan.organization.refresh_from_db()
    assert transitions.organization_approved(plan, BEFORE)


def test_plan_complete_guard(complete):
    assert transitions.plan_complete(Application.objects.get(pk=complete.pk), BEFORE) is None
    complete.attachments.all().delete()
    assert transitions.plan_complete(Application.objects.get(pk=complete.pk), BEFORE)


def test_after_deadline_guard(plan):
    assert transitions.after_deadline(plan, AT_DEADLINE) is None
    assert transitions.after_deadline(plan, AT_DEADLINE - TICK)


def test_an_unapproved_organisation_cannot_submit(complete, applicant):
    from accounts.models import Organization

    Organization.objects.filter(pk=complete.organization_id).update(status=Organization.Status.PENDING)
    with pytest.raises(TransitionError):
        services.submit(applicant, complete, at=BEFORE)
    assert Application.objects.get(pk=complete.pk).status == State.DRAFT
