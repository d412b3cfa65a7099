"""applications/embargo.py at its edges (issue 11): the announcement instant, who is inside the ministry, the
query filter agreeing with the predicate, and history events into and out of a decision."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from applications import embargo
from applications.models import Application, AuditEvent, Call
from applications.workflow import EMBARGOED_STATES, State
from tests.factories import KST, ApplicationFactory, CallFactory, UserFactory

ANNOUNCED = datetime.datetime(2026, 6, 30, 10, 0, tzinfo=KST)
TICK = datetime.timedelta(microseconds=1)


def test_released_from_the_announcement_instant_on():
    call = Call(announcement_at=ANNOUNCED)
    assert not embargo.released(call, ANNOUNCED - TICK)
    assert embargo.released(call, ANNOUNCED)
    assert embargo.released(call, ANNOUNCED + TICK)
    assert not embargo.released(Call(announcement_at=None), ANNOUNCED)


@pytest.mark.django_db
def test_the_query_filter_agrees_with_the_predicate():
    call = CallFactory(announcement_at=ANNOUNCED)
    plan = ApplicationFactory(call=call)
    unannounced = ApplicationFactory(call=CallFactory(announcement_at=None))
    for at in (ANNOUNCED - TICK, ANNOUNCED, ANNOUNCED + TICK):
        found = set(Application.objects.filter(embargo.released_q(at)).values_list("pk", flat=True))
        assert found == ({plan.pk} if embargo.released(call, at) else set())
        assert unannounced.pk not in found
    calls = Call.objects.filter(embargo.released_q(ANNOUNCED, prefix=""))
    assert list(calls) == [call]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("roles", "superuser", "inside"),
    [
        (["ministry_staff"], False, True),
        (["committee_secretariat"], False, True),
        ([], True, True),
        ([], False, False),
        (["advisory_expert"], False, False),
        (["committee_member"], False, False),
        (["subcommittee_chair"], False, False),
    ],
)
def test_who_is_inside_the_ministry(roles, superuser, inside):
    user = UserFactory(roles=roles, is_superuser=superuser)
    assert embargo.inside_ministry(user) is inside
    call = Call(announcement_at=ANNOUNCED)
    assert embargo.may_know_decision(user, call, ANNOUNCED - TICK) is inside
    assert embargo.may_know_decision(user, call, ANNOUNCED) is True


def test_the_system_is_inside_and_an_anonymous_visitor_is_not():
    assert embargo.inside_ministry(None) is True
    assert embargo.inside_ministry(AnonymousUser()) is False


@pytest.mark.django_db
def test_shown_state_and_status():
    applicant = UserFactory()
    staff = UserFactory(roles=["ministry_staff"])
    plan = ApplicationFactory(call=CallFactory(announcement_at=ANNOUNCED), status=State.DESIGNATED)
    before, after = ANNOUNCED - TICK, ANNOUNCED
    assert embargo.shown_state(applicant, plan, before) == State.COMMITTEE
    assert embargo.shown_state(applicant, plan, after) == State.DESIGNATED
    assert embargo.shown_state(staff, plan, before) == State.DESIGNATED
    # A state of the plan's past is judged the same way, whatever its state now.
    assert embargo.shown_state(applicant, plan, before, state=State.DEFERRED) == State.COMMITTEE
    assert embargo.shown_state(applicant, plan, before, state=State.SUBCOMMITTEE) == State.SUBCOMMITTEE
    assert embargo.shown_status(applicant, plan, before) == State.COMMITTEE.label
    assert embargo.shown_status(applicant, plan, after) == State.DESIGNATED.label


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [(State.COMMITTEE, state) for state in EMBARGOED_STATES] + [(State.DEFERRED, State.COMMITTEE)],
)
def test_a_move_into_or_out_of_a_decision_is_hidden_until_the_announcement(from_status, to_status):
    applicant = UserFactory()
    staff = UserFactory(roles=["ministry_staff"])
    call = Call(announcement_at=ANNOUNCED)
    event = AuditEvent(from_status=from_status, to_status=to_status)
    assert not embargo.shows_event(applicant, event, call, ANNOUNCED - TICK)
    assert embargo.shows_event(applicant, event, call, ANNOUNCED)
    assert embargo.shows_event(staff, event, call, ANNOUNCED - TICK)


@pytest.mark.django_db
def test_other_moves_are_shown():
    applicant = UserFactory()
    event = AuditEvent(from_status=State.SUBCOMMITTEE, to_status=State.COMMITTEE)
    assert embargo.shows_event(applicant, event, Call(announcement_at=None), ANNOUNCED)
