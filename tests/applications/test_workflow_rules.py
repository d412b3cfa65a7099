"""applications/workflow.py and transitions.py (issue 11): registering, the refusals in their order, what a
transition records and runs, and each guard of the applicant's transitions at its instant."""

import datetime

import pytest

from applications import deadline, services, transitions, workflow
from applications.models import Application, AuditEvent
from applications.workflow import State, Transition, TransitionError
from core.compiled import readable

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


# --- the applications room's transition table and the guards' messages (issue 11) ---------------------------


def test_the_applications_room_s_transitions_as_registered(monkeypatch, applicant, ministry_staff, plan):
    """The table `register_all` writes, registered afresh so each entry is checked where it is defined."""
    monkeypatch.setattr(workflow, "TRANSITIONS", {})
    transitions.register_all()
    table = {
        name: (t.sources, t.target, str(t.label), [g.__name__ for g in t.guards], t.effects, t.requires_reason)
        for name, t in workflow.TRANSITIONS.items()
    }
    opening = ["call_open_for_submission", "organization_approved", "plan_complete"]
    assert table == {
        "submit": ((State.DRAFT,), State.SUBMITTED, "제출", opening, (), False),
        "amend": ((State.SUBMITTED,), State.SUBMITTED, "수정본 제출하기", opening, (), False),
        "withdraw": ((State.DRAFT, State.SUBMITTED), State.WITHDRAWN, "철회", ["before_deadline"], (), False),
        "receive": ((State.SUBMITTED,), State.RECEIVED, "접수", ["after_deadline"], (), False),
        "screen": ((State.RECEIVED,), State.SCREENED, "적격", [], (), False),
        "declare_ineligible": ((State.RECEIVED,), State.INELIGIBLE, "부적격", [], (), True),
    }
    # Who may act: the plan's editors for the applicant's moves, ministry staff for the ministry's.
    for name in ("submit", "amend", "withdraw"):
        allowed = workflow.TRANSITIONS[name].allowed
        assert (allowed(applicant, plan), allowed(ministry_staff, plan)) == (True, False), name
    for name in ("receive", "screen", "declare_ineligible"):
        allowed = workflow.TRANSITIONS[name].allowed
        assert (allowed(applicant, plan), allowed(ministry_staff, plan)) == (False, True), name


def test_the_guards_say_why_in_korean(plan):
    from accounts.models import Organization

    assert transitions.after_deadline(plan, AT_DEADLINE - TICK) == "계획서는 마감 이후에만 접수 처리됩니다."
    Organization.objects.filter(pk=plan.organization_id).update(status=Organization.Status.PENDING)
    plan.organization.refresh_from_db()
    assert transitions.organization_approved(plan, BEFORE) == (
        "기관이 아직 산업부 담당자의 승인을 기다리고 있습니다. 작성은 계속할 수 있고, 제출은 승인 후에 가능합니다."
    )
    assert transitions.plan_complete(plan, BEFORE) == (
        "계획서가 아직 완성되지 않았습니다. 완성도 점검에서 빠진 항목을 확인하세요."
    )
    assert transitions.before_deadline(plan, AT_DEADLINE) == str(deadline.DeadlinePassed(plan.call))
    assert transitions.call_open_for_submission(plan, AT_DEADLINE) == str(deadline.DeadlinePassed(plan.call))
    assert transitions.call_open_for_submission(plan, plan.call.opens_at - TICK) == str(deadline.NotOpenYet(plan.call))


def test_perform_s_other_refusals_say_why(plan, applicant):
    with pytest.raises(TransitionError) as unknown:
        workflow.perform(plan, "no_such_action", applicant, at=BEFORE)
    assert str(unknown.value) == "없는 작업입니다."
    with pytest.raises(TransitionError) as wrong_state:
        workflow.perform(plan, "receive", None, at=AT_DEADLINE)
    assert str(wrong_state.value) == "계획서가 “작성 중” 상태일 때는 할 수 없는 작업입니다."
    Application.objects.filter(pk=plan.pk).update(status=State.RECEIVED)
    plan.refresh_from_db()
    with pytest.raises(TransitionError) as locked:
        workflow.ensure_editable(plan)
    assert str(locked.value) == "이 계획서는 더 이상 수정할 수 없습니다."
    assert AuditEvent.objects.count() == 0


# --- what perform locks and reads (issue 11: mutants of the locking query) -----------------------------------


def test_perform_locks_only_the_plan_s_row_and_reads_what_the_guards_read_with_it(complete):
    """Issue 12: the lock names the plan's table only (FOR UPDATE OF), so the call's row and the others joined
    are not locked; and the joins the submit's guards read (call, organisation, field, site with its region,
    narrative) come with the locked row, so a guard asks nothing more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    read = []

    def reads_the_joins(application, at):
        with CaptureQueriesContext(connection) as asked:
            application.call.pk, application.organization.pk, application.field.pk
            application.site.region.pk, application.narrative.pk
        read.append(len(asked))

    workflow.register(
        Transition("test_lock", (State.DRAFT,), State.DRAFT, "Lock", lambda u, a: True, guards=(reads_the_joins,))
    )
    try:
        with CaptureQueriesContext(connection) as queries:
            workflow.perform(complete, "test_lock", None, at=BEFORE)
    finally:
        del workflow.TRANSITIONS["test_lock"]
    assert read == [0]
    statements = [readable(q["sql"]) for q in queries]
    locks = [sql for sql in statements if sql.startswith('SELECT "applications_application"."id"')]
    assert len(locks) == 1, locks
    if connection.features.has_select_for_update:  # SQLite locks the whole database instead
        assert locks[0].endswith(' FOR UPDATE OF "applications_application"'), locks
