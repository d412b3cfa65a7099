"""Reminders before the review due date: 3 days and 1 day before, once each, only for open reviews."""

import datetime

import pytest

from applications.workflow import State
from core.models import OutboxMessage
from reviews.models import Assignment, Conflict, Rubric
from reviews.tasks import send_review_reminders
from tests.factories import (
    REVIEW_DUE,
    CallFactory,
    ExpertFactory,
    assign,
    make_panel,
    make_rubric,
    reviewable_plan,
    submitted_review,
)

pytestmark = pytest.mark.django_db


def at(delta):
    return (REVIEW_DUE - delta).isoformat()


@pytest.fixture
def situation():
    call = CallFactory()
    rubric = make_rubric(call)
    names = ("open", "open_two", "submitted", "declared", "pinned", "moved_on")
    experts = {name: ExpertFactory(full_name=name) for name in names}
    panel = make_panel(call, members=list(experts.values()))
    plan, second = reviewable_plan(call), reviewable_plan(call)
    moved = reviewable_plan(call, status=State.SUBCOMMITTEE)
    assign(panel, plan, experts["open"], Assignment.Declaration.PENDING)
    assign(panel, second, experts["open"])
    assign(panel, plan, experts["open_two"])
    submitted_review(assign(panel, plan, experts["submitted"]), (20, 15, 10, 8, 8, 8, 8))
    assign(panel, plan, experts["declared"], Assignment.Declaration.CONFLICT)
    assign(panel, plan, experts["pinned"])
    Conflict.objects.create(application=plan, user=experts["pinned"], source=Conflict.Source.PINNED, reason="친족")
    assign(panel, moved, experts["moved_on"])
    return {"rubric": rubric, "experts": experts, "plans": (plan, second)}


def recipients():
    return sorted(address for message in OutboxMessage.objects.all() for address in message.to)


def test_nothing_before_three_days(situation):
    assert send_review_reminders(at(datetime.timedelta(days=3, minutes=1))) == 0
    assert not OutboxMessage.objects.exists()


def test_three_days_then_one_day_once_each(situation):
    experts = situation["experts"]
    expected = sorted([experts["open"].email, experts["open_two"].email])
    assert send_review_reminders(at(datetime.timedelta(days=3))) == 2
    assert recipients() == expected
    # the beat runs every few minutes: a repeat sends nothing new
    send_review_reminders(at(datetime.timedelta(days=2, hours=23)))
    assert OutboxMessage.objects.count() == 2
    send_review_reminders(at(datetime.timedelta(hours=23)))
    assert OutboxMessage.objects.count() == 4
    send_review_reminders(at(datetime.timedelta(hours=1)))
    assert OutboxMessage.objects.count() == 4
    labels = sorted(m.reference.split(":")[-2] for m in OutboxMessage.objects.all())
    assert labels == ["1d", "1d", "3d", "3d"]
    # one e-mail per evaluator lists all their open plans
    message = OutboxMessage.objects.get(to=[experts["open"].email], reference__contains=":3d:")
    assert all(plan.title in message.body for plan in situation["plans"])
    assert "2026-05-29 18:00" in message.subject


def test_nothing_after_the_due_date_and_a_new_due_date_starts_a_new_series(situation):
    rubric = situation["rubric"]
    send_review_reminders(at(datetime.timedelta(days=1)))
    assert OutboxMessage.objects.count() == 2
    assert send_review_reminders((REVIEW_DUE + datetime.timedelta(minutes=1)).isoformat()) == 0
    Rubric.objects.filter(pk=rubric.pk).update(due_at=REVIEW_DUE + datetime.timedelta(days=7))
    send_review_reminders((REVIEW_DUE + datetime.timedelta(days=6)).isoformat())
    assert OutboxMessage.objects.count() == 4
