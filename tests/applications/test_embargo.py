"""The embargo (applications/embargo.py): nobody outside the ministry learns a plan's decision before the
call's announcement, judged at the instant the request arrived; not from the status, a refusal, the history,
nor an evaluator's or subcommittee page."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from accounts import roles
from accounts.models import Membership
from applications import audit, embargo, workflow
from applications.workflow import State
from reviews import due
from reviews.models import Stage
from tests.factories import (
    KST,
    CallFactory,
    ExpertFactory,
    FieldFactory,
    MembershipFactory,
    UserFactory,
    assign,
    make_panel,
    reviewable_plan,
)

pytestmark = pytest.mark.django_db

ANNOUNCEMENT = datetime.datetime(2026, 7, 31, 10, 0, tzinfo=KST)
BEFORE = ANNOUNCEMENT - datetime.timedelta(minutes=1)
AFTER = ANNOUNCEMENT + datetime.timedelta(minutes=1)
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def call(db):
    return CallFactory(fields=[FieldFactory(code="BAT")], announcement_at=ANNOUNCEMENT)


@pytest.fixture
def owner(db):
    return UserFactory()


@pytest.fixture
def decided(call, owner):
    plan = reviewable_plan(call, status=State.DESIGNATED)
    MembershipFactory(user=owner, organization=plan.organization, role=Membership.Role.OWNER)
    return plan


def _messages(response):
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_the_rule_at_its_boundary(decided, owner, ministry_staff):
    secretariat = UserFactory(roles=[roles.SECRETARIAT])
    evaluator = ExpertFactory(roles=[roles.SUBCOMMITTEE_MEMBER])
    for outsider in (owner, evaluator, AnonymousUser()):
        assert embargo.shown_state(outsider, decided, BEFORE) == State.COMMITTEE
        assert embargo.shown_state(outsider, decided, ANNOUNCEMENT) == State.DESIGNATED
    for insider in (ministry_staff, secretariat, None):
        assert embargo.shown_state(insider, decided, BEFORE) == State.DESIGNATED


def test_a_refusal_does_not_tell_the_decision(decided, owner):
    with translation.override("en"):
        with pytest.raises(workflow.TransitionError) as refused:
            workflow.perform(decided, "withdraw", owner, at=BEFORE)
        assert "Committee deliberation" in str(refused.value.message)
        assert "Designated" not in str(refused.value.message)
        with pytest.raises(workflow.TransitionError) as refused:
            workflow.perform(decided, "withdraw", owner, at=AFTER)
        assert "Designated" in str(refused.value.message)


def test_the_arrival_instant_decides_not_the_clock(decided, owner):
    """A request that arrived before the announcement is answered as before it, however late it is served."""
    with time_machine.travel(AFTER), translation.override("en"):
        with pytest.raises(workflow.TransitionError) as refused:
            workflow.perform(decided, "withdraw", owner, at=BEFORE)
    assert "Designated" not in str(refused.value.message)


def test_withdraw_and_submit_pages_do_not_tell(client, decided, owner):
    client.force_login(owner)
    with time_machine.travel(BEFORE):
        response = client.post(reverse("applications:withdraw", args=[decided.pk]), {"reason": "철회"}, **EN)
        told = _messages(response)
        response = client.post(reverse("applications:submit", args=[decided.pk]), **EN)
        told += _messages(response)
    assert "Committee deliberation" in told
    assert "Designated" not in told


def test_history_hides_moves_out_of_a_decision_until_the_announcement(client, call, owner, ministry_staff):
    plan = reviewable_plan(call, status=State.COMMITTEE)
    MembershipFactory(user=owner, organization=plan.organization, role=Membership.Role.OWNER)
    audit.record(action="defer", application=plan, from_status=State.COMMITTEE, to_status=State.DEFERRED)
    audit.record(action="put_on_agenda", application=plan, from_status=State.DEFERRED, to_status=State.COMMITTEE)
    url = reverse("applications:history", args=[plan.pk])
    client.force_login(owner)
    with time_machine.travel(BEFORE):
        page = client.get(url, **EN).content.decode()
    assert "Deferred" not in page and "Put on a new committee agenda" not in page
    with time_machine.travel(AFTER):
        page = client.get(url, **EN).content.decode()
    assert "(Deferred → Committee deliberation)" in page and "Put on a new committee agenda" in page
    client.force_login(ministry_staff)
    with time_machine.travel(BEFORE):
        assert "Put on a new committee agenda" in client.get(url, **EN).content.decode()


def test_history_tells_the_applicant_the_step_not_the_override(client, call, owner, ministry_staff):
    plan = reviewable_plan(call, status=State.SUBCOMMITTEE)
    MembershipFactory(user=owner, organization=plan.organization, role=Membership.Role.OWNER)
    audit.record(
        action="to_subcommittee_override",
        actor=ministry_staff,
        application=plan,
        from_status=State.ADVISORY_REVIEW,
        to_status=State.SUBCOMMITTEE,
        reason="평가위원 1인 장기 출장",
    )
    url = reverse("applications:history", args=[plan.pk])
    client.force_login(owner)
    page = client.get(url, **EN).content.decode()
    assert "Moved to the subcommittee" in page
    assert "before all reviews" not in page and "평가위원 1인 장기 출장" not in page
    client.force_login(ministry_staff)
    assert "Moved to the subcommittee before all reviews were in" in client.get(url, **EN).content.decode()


def test_evaluator_and_subcommittee_pages_do_not_tell(client, call, decided):
    member = ExpertFactory(roles=[roles.SUBCOMMITTEE_MEMBER])
    panel = make_panel(call, stage=Stage.SUBCOMMITTEE, members=[member])
    assignment = assign(panel, decided, member)
    with translation.override("en"):
        closed = due.review_closed_message(panel, decided, None, BEFORE, member)
    assert "Committee deliberation" in closed and "Designated" not in closed
    client.force_login(member)
    with time_machine.travel(BEFORE):
        for url in (
            reverse("reviews:review", args=[assignment.pk]),
            reverse("reviews:subcommittee_plan", args=[decided.pk]),
        ):
            response = client.get(url, **EN)
            assert response.status_code == 200, url
            page = response.content.decode()
            page = page[page.index("<main") :]
            assert "Committee deliberation" in page and "Designated" not in page, url
