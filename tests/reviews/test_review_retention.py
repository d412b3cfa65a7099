"""Submitted reviews and their scores are never deleted by a cascade or an unassignment (issue 10, finding 10)."""

import datetime

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from applications.models import AuditEvent
from reviews import services
from reviews.models import Assignment, Review, Score
from reviews.services import ReviewRefused
from tests.factories import (
    CallFactory,
    ExpertFactory,
    UserFactory,
    assign,
    make_panel,
    make_rubric,
    reviewable_plan,
    submitted_review,
)

from .conftest import EN

pytestmark = pytest.mark.django_db
POINTS = (20, 15, 10, 8, 8, 8, 8)


@pytest.fixture
def reviewed(db):
    call = CallFactory()
    make_rubric(call)
    plan = reviewable_plan(call)
    expert = ExpertFactory()
    panel = make_panel(call, members=[expert])
    assignment = assign(panel, plan, expert)
    return panel, assignment, submitted_review(assignment, POINTS)


def test_deleting_a_panel_with_submitted_reviews_is_refused(reviewed):
    panel, _assignment, review = reviewed
    with pytest.raises(ProtectedError):
        panel.delete()
    assert Review.objects.filter(pk=review.pk).exists() and Score.objects.filter(review=review).count() == 7


def test_the_admin_cannot_delete_a_panel_with_reviews(client, reviewed):
    panel, _assignment, review = reviewed
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    client.post(reverse("admin:reviews_panel_delete", args=[panel.pk]), {"post": "yes"}, **EN)
    assert Review.objects.filter(pk=review.pk).exists() and Score.objects.filter(review=review).count() == 7


def test_unassigning_a_reopened_review_is_refused(reviewed):
    _panel, assignment, review = reviewed
    services.reopen_review(
        UserFactory(),
        review,
        until=datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC),
        reason="점수 정정",
        at=datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC),
    )
    with pytest.raises(ReviewRefused):
        services.unassign(UserFactory(), assignment)
    assert Review.objects.filter(pk=review.pk).exists() and Score.objects.filter(review=review).count() == 7


def test_unassigning_a_draft_removes_it_and_is_audited(reviewed):
    panel, _assignment, _review = reviewed
    plan = reviewable_plan(panel.call)
    draft_owner = ExpertFactory()
    assignment = assign(panel, plan, draft_owner)
    Review.objects.create(assignment=assignment, version=plan.latest_version, overall_opinion="작성 중")
    services.unassign(UserFactory(), assignment)
    assert not Assignment.objects.filter(pk=assignment.pk).exists()
    assert not Review.objects.filter(assignment_id=assignment.pk).exists()
    event = AuditEvent.objects.get(action="assignment_removed", application=plan)
    assert event.data["reviewer"] == draft_owner.pk and event.data["draft_removed"] is True
