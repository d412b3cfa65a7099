"""reviews.due, the owner of "may this review still be changed": the stage's states, the due instant (open
until the microsecond before it, closed at it), a reopened review's own due time, and the messages."""

import datetime

import pytest
from django.utils import translation

from applications.workflow import State
from core.clock import format_kst
from reviews import due
from reviews.models import Review, Stage
from tests.factories import REVIEW_DUE, CallFactory, ExpertFactory, assign, make_panel, make_rubric, reviewable_plan

pytestmark = pytest.mark.django_db

US = datetime.timedelta(microseconds=1)


def closed_at(instant):
    return (
        f"The review period ended on {format_kst(instant, 'DATETIME_FORMAT')} (Korea time). "
        "Ask ministry staff to reopen your review if you need more time."
    )


@pytest.fixture
def situation(db):
    call = CallFactory()
    make_rubric(call)
    # Another stage of the same call and another call, both due much later: neither may lend its due date.
    make_rubric(call, stage=Stage.SUBCOMMITTEE, due_at=REVIEW_DUE + datetime.timedelta(days=60))
    make_rubric(CallFactory(), due_at=REVIEW_DUE + datetime.timedelta(days=60))
    expert = ExpertFactory()
    panel = make_panel(call, members=[expert])
    plan = reviewable_plan(call)
    assignment = assign(panel, plan, expert)
    review = Review.objects.create(assignment=assignment, version=plan.latest_version)
    return panel, plan, review, expert


def message(situation, at, review="default"):
    panel, plan, own_review, expert = situation
    with translation.override("en"):
        return due.review_closed_message(panel, plan, own_review if review == "default" else review, at, expert)


@pytest.mark.parametrize("review", ["default", None])
def test_open_until_the_microsecond_before_the_due_instant(situation, review):
    assert message(situation, REVIEW_DUE - US, review) is None
    with translation.override("en"):
        expected = closed_at(REVIEW_DUE)
    assert message(situation, REVIEW_DUE, review) == expected
    assert message(situation, REVIEW_DUE + US, review) == expected


def test_a_reopened_review_has_its_own_due_instant(situation):
    until = REVIEW_DUE + datetime.timedelta(days=2)
    situation[2].reopened_until = until
    assert message(situation, REVIEW_DUE) is None
    assert message(situation, until - US) is None
    with translation.override("en"):
        assert message(situation, until) == closed_at(until)


def test_a_reopening_that_ends_before_the_stage_does_not_shorten_it(situation):
    situation[2].reopened_until = REVIEW_DUE - datetime.timedelta(days=1)
    assert message(situation, REVIEW_DUE - US) is None
    with translation.override("en"):
        assert message(situation, REVIEW_DUE) == closed_at(REVIEW_DUE)


def test_a_stage_without_a_rubric(situation):
    panel, plan, _review, expert = situation
    sub_panel = make_panel(CallFactory(fields=[plan.field]), stage=Stage.SUBCOMMITTEE)
    plan.status = State.SUBCOMMITTEE
    with translation.override("en"):
        assert due.review_closed_message(sub_panel, plan, None, REVIEW_DUE - US, expert) == (
            "This stage has no rubric yet."
        )


def test_a_plan_that_moved_on_says_so_with_the_status_the_evaluator_may_know(situation):
    panel, plan, review, expert = situation
    plan.status = State.SUBCOMMITTEE
    with translation.override("en"):
        text = due.review_closed_message(panel, plan, review, REVIEW_DUE - US, expert)
        assert text == (
            "This plan has moved on from the Expert advisory review (it is now “Subcommittee evaluation”); "
            "its reviews can no longer be changed."
        )


@pytest.mark.parametrize(
    ("stage", "status", "open_"),
    [
        (Stage.ADVISORY, State.SCREENED, True),
        (Stage.ADVISORY, State.ADVISORY_REVIEW, True),
        (Stage.ADVISORY, State.SUBCOMMITTEE, False),
        (Stage.ADVISORY, State.SUBMITTED, False),
        (Stage.SUBCOMMITTEE, State.SUBCOMMITTEE, True),
        (Stage.SUBCOMMITTEE, State.ADVISORY_REVIEW, False),
        (Stage.SUBCOMMITTEE, State.COMMITTEE, False),
    ],
)
def test_the_stages_open_states(situation, stage, status, open_):
    panel, plan, _review, _expert = situation
    panel.stage = stage
    plan.status = status
    assert due.stage_open_for(plan, panel) is open_


def test_a_subcommittee_review_follows_the_subcommittee_rubric(situation):
    panel, plan, _review, _expert = situation
    member = ExpertFactory()
    sub_panel = make_panel(panel.call, stage=Stage.SUBCOMMITTEE, members=[member])
    plan.status = State.SUBCOMMITTEE
    # The advisory rubric of the same call is due already; the subcommittee's is due 60 days later.
    assert due.review_closed_message(sub_panel, plan, None, REVIEW_DUE, member) is None
