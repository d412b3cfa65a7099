"""The reviews pages act at the instant a request ARRIVED, not the instant it is handled (issue 11).

A test-only middleware right after ReceivedAtMiddleware moves the frozen clock on once the request has been
stamped, so a view that hands its service `timezone.now()` instead of `request.received_at` is caught: a review
that arrived before the due instant is taken, a reopening's new due time is judged against the arrival, and a
consultation's due date against the day in Seoul when the request arrived.
"""

import datetime

import pytest
from django.urls import reverse

from applications.models import AuditEvent
from applications.workflow import State
from reviews.models import Assignment, Consultation, Criterion, Review
from tests.arrival import late_client
from tests.factories import KST, REVIEW_DUE, submitted_review

pytestmark = pytest.mark.django_db
US = datetime.timedelta(microseconds=1)


@pytest.fixture
def late(settings, client):
    post = late_client(settings)

    def post_late(user, url, data, *, arrived, handled):
        client.force_login(user)
        return post(client, url, data, arrived=arrived, handled=handled)

    return post_late


def test_a_declaration_is_dated_at_its_arrival(late, panel_setup):
    assignment = panel_setup["assignments"]["pending"]
    arrived = REVIEW_DUE - datetime.timedelta(days=3)
    late(
        assignment.reviewer,
        reverse("reviews:declare", args=[assignment.pk]),
        {"answer": "no_conflict", "pledge": "on"},
        arrived=arrived,
        handled=arrived + datetime.timedelta(seconds=5),
    )
    assignment.refresh_from_db()
    assert (assignment.declaration, assignment.declared_at) == (Assignment.Declaration.NO_CONFLICT, arrived)


def test_a_review_that_arrived_before_the_due_instant_is_submitted(late, panel_setup):
    assignment = panel_setup["assignments"]["ready"]
    data = {"overall_opinion": "종합 의견", "submit": "1", "understood": "on"}
    for criterion in Criterion.objects.filter(rubric=panel_setup["rubric"]):
        data[f"score_{criterion.pk}"] = "5"
        data[f"comment_{criterion.pk}"] = "근거"
    late(
        assignment.reviewer,
        reverse("reviews:review", args=[assignment.pk]),
        data,
        arrived=REVIEW_DUE - US,
        handled=REVIEW_DUE + datetime.timedelta(seconds=5),
    )
    review = Review.objects.get(assignment=assignment)
    assert (review.status, review.submitted_at) == (Review.Status.SUBMITTED, REVIEW_DUE - US)


def test_a_reopening_is_judged_against_its_arrival(late, panel_setup, staff):
    assignment = panel_setup["assignments"]["ready"]
    review = submitted_review(assignment, [5] * Criterion.objects.filter(rubric=panel_setup["rubric"]).count())
    arrived = datetime.datetime(2026, 6, 1, 10, 0, tzinfo=KST)
    late(
        staff,
        reverse("reviews:staff_reopen", args=[panel_setup["panel"].pk, panel_setup["plan"].pk, review.pk]),
        {f"reopen-{review.pk}-until": "2026-06-01T10:01", f"reopen-{review.pk}-reason": "장애"},
        arrived=arrived,
        handled=arrived + datetime.timedelta(minutes=2),
    )
    review.refresh_from_db()
    assert (review.status, review.reopened_until) == (Review.Status.DRAFT, arrived + datetime.timedelta(minutes=1))
    assert AuditEvent.objects.get(action="review_reopened").created_at == arrived


def test_opinions_due_on_the_day_of_arrival_in_seoul(late, panel_setup, staff):
    plan = panel_setup["plan"]
    submitted_review(panel_setup["assignments"]["ready"], [5] * 7)  # one in, the others not: with a reason
    arrived = datetime.datetime(2026, 5, 4, 23, 59, 59, tzinfo=KST)
    late(
        staff,
        reverse("reviews:staff_request_opinions", args=[plan.pk]),
        {"ministries": "환경부", "due_on": "2026-05-04", "reason": "일부 미제출"},
        arrived=arrived,
        handled=arrived + datetime.timedelta(seconds=2),
    )
    consultation = Consultation.objects.get(application=plan)
    assert (consultation.due_on, consultation.requested_at) == (datetime.date(2026, 5, 4), arrived)
    plan.refresh_from_db()
    assert plan.status == State.CONSULTATION
