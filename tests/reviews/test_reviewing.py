"""Scoring: drafts keep what was typed, half points, completeness on submit, due dates and reopening."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from applications.models import AuditEvent
from reviews import services
from reviews.models import Assignment, Conflict, Criterion, Review

from .conftest import AFTER_DUE, DURING

pytestmark = pytest.mark.django_db


def sheet(criteria, points, comment="근거 있는 의견", opinion="종합적으로 우수함"):
    data = {"overall_opinion": opinion}
    for criterion, value in zip(criteria, points, strict=True):
        data[f"score_{criterion.pk}"] = str(value)
        data[f"comment_{criterion.pk}"] = comment
    return data


@pytest.fixture
def ready(panel_setup, client):
    assignment = panel_setup["assignments"]["ready"]
    client.force_login(assignment.reviewer)
    criteria = list(Criterion.objects.filter(rubric=panel_setup["rubric"]))
    return assignment, criteria, reverse("reviews:review", args=[assignment.pk])


@time_machine.travel(DURING)
def test_out_of_range_score_is_refused_per_field_and_what_was_typed_stays(client, ready):
    assignment, criteria, url = ready
    data = sheet(criteria, [30, 12.5, 10, 8, 8, 7, 7], comment="이 의견은 보존되어야 한다")
    response = client.post(url, {**data, "save": "1"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    form = response.context["form"]
    assert "Enter a score from 0 to 25.0." in form.errors[f"score_{criteria[0].pk}"]
    page = response.content.decode()
    assert "이 의견은 보존되어야 한다" in page and 'value="30"' in page
    assert not Review.objects.filter(assignment=assignment).exists()


@time_machine.travel(DURING)
def test_half_points_allowed_other_fractions_refused(client, ready):
    assignment, criteria, url = ready
    client.post(url, {**sheet(criteria, [24.5, 12.5, 10, 8, 8, 7, 7]), "save": "1"})
    assert Review.objects.get(assignment=assignment).scores.get(criterion=criteria[0]).points == Decimal("24.5")
    response = client.post(
        url, {**sheet(criteria, [24.3, 12.5, 10, 8, 8, 7, 7]), "save": "1"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "Points are given in steps of 0.5." in response.context["form"].errors[f"score_{criteria[0].pk}"]


@time_machine.travel(DURING)
def test_submit_checks_completeness_then_sums_in_the_database(client, ready):
    assignment, criteria, url = ready
    data = sheet(criteria, [20, 15, 10, 8, 8, 7, 7])
    data[f"comment_{criteria[1].pk}"] = ""
    data[f"score_{criteria[2].pk}"] = ""
    response = client.post(url, {**data, "submit": "1", "understood": "on"}, HTTP_ACCEPT_LANGUAGE="en")
    errors = response.context["form"].errors
    assert "A comment is required for this criterion." in errors[f"comment_{criteria[1].pk}"]
    assert "Give a score for this criterion." in errors[f"score_{criteria[2].pk}"]
    review = Review.objects.get(assignment=assignment)
    assert review.status == Review.Status.DRAFT  # the draft was kept, not submitted
    assert review.scores.get(criterion=criteria[0]).points == 20
    response = client.post(url, {**sheet(criteria, [20, 15, 10, 8, 8, 7, 7.5]), "submit": "1", "understood": "on"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == Review.Status.SUBMITTED and review.total == Decimal("75.5")
    # A submitted review cannot be changed by its author.
    client.post(url, {**sheet(criteria, [0, 0, 0, 0, 0, 0, 0]), "save": "1"})
    review.refresh_from_db()
    assert review.total == Decimal("75.5")


def test_due_date_is_enforced_and_staff_reopening_is_audited(client, ready, ministry_staff):
    assignment, criteria, url = ready
    with time_machine.travel(DURING):
        client.post(url, {**sheet(criteria, [20, 15, 10, 8, 8, 7, 7]), "save": "1"})
    with time_machine.travel(AFTER_DUE):
        response = client.post(
            url,
            {**sheet(criteria, [20, 15, 10, 8, 8, 7, 7]), "submit": "1", "understood": "on"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert "The review period ended on" in response.content.decode()
        assert Review.objects.get(assignment=assignment).status == Review.Status.DRAFT
        review = Review.objects.get(assignment=assignment)
        services.reopen_review(
            ministry_staff,
            review,
            until=AFTER_DUE + datetime.timedelta(days=2),
            reason="출장으로 인한 연장 요청",
            at=AFTER_DUE,
        )
        event = AuditEvent.objects.get(action="review_reopened")
        assert event.actor == ministry_staff and event.reason == "출장으로 인한 연장 요청"
        response = client.post(url, {**sheet(criteria, [20, 15, 10, 8, 8, 7, 7]), "submit": "1", "understood": "on"})
        assert response.status_code == 302
        assert Review.objects.get(assignment=assignment).status == Review.Status.SUBMITTED
    with time_machine.travel(AFTER_DUE + datetime.timedelta(days=3)):
        with pytest.raises(services.ReviewRefused):
            services.save_review(
                assignment.reviewer, assignment, scores={}, opinion="늦음", at=AFTER_DUE + datetime.timedelta(days=3)
            )


@time_machine.travel(DURING)
def test_declaring_a_conflict_removes_the_plan(client, panel_setup):
    assignment = panel_setup["assignments"]["pending"]
    client.force_login(assignment.reviewer)
    url = reverse("reviews:declare", args=[assignment.pk])
    response = client.post(url, {"answer": "conflict", "reason": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Please describe the conflict briefly." in response.context["form"].errors["reason"]
    response = client.post(url, {"answer": "conflict", "reason": "최근 3년 내 참여기관 재직"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.declaration == Assignment.Declaration.CONFLICT
    assert Conflict.objects.filter(user=assignment.reviewer, source=Conflict.Source.DECLARED).exists()
    assert client.get(reverse("reviews:review", args=[assignment.pk])).status_code == 404


@time_machine.travel(DURING)
def test_no_conflict_needs_the_pledge(client, panel_setup):
    assignment = panel_setup["assignments"]["pending"]
    client.force_login(assignment.reviewer)
    url = reverse("reviews:declare", args=[assignment.pk])
    response = client.post(url, {"answer": "no_conflict"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Please confirm the pledge to continue." in response.context["form"].errors["pledge"]
    response = client.post(url, {"answer": "no_conflict", "pledge": "on"})
    assert response.url == reverse("reviews:review", args=[assignment.pk])
    assignment.refresh_from_db()
    assert assignment.declaration == Assignment.Declaration.NO_CONFLICT and assignment.declared_at


@time_machine.travel(DURING)
def test_reviews_freeze_once_the_plan_has_moved_on(client, ready, panel_setup):
    from applications.models import Application
    from applications.workflow import State

    assignment, criteria, url = ready
    Application.objects.filter(pk=panel_setup["plan"].pk).update(status=State.SUBCOMMITTEE)
    response = client.post(
        url, {**sheet(criteria, [20, 15, 10, 8, 8, 7, 7]), "submit": "1", "understood": "on"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "has moved on from the Expert advisory review" in response.content.decode()
    assert not Review.objects.filter(assignment=assignment, status=Review.Status.SUBMITTED).exists()
    listing = client.get(reverse("reviews:mine"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Stage closed" in listing


@time_machine.travel(DURING)
@pytest.mark.parametrize("value", ["1e999", "-1e999", "1e-999"])
def test_an_absurd_exponent_is_a_score_error_not_a_500(client, ready, value):
    assignment, criteria, url = ready
    data = sheet(criteria, [value, 12.5, 10, 8, 8, 7, 7])
    response = client.post(url, {**data, "save": "1"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["form"].errors[f"score_{criteria[0].pk}"]
    assert not Review.objects.filter(assignment=assignment).exists()


@time_machine.travel(DURING)
def test_submitting_needs_the_box_but_saving_a_draft_does_not(client, ready):
    assignment, criteria, url = ready
    data = sheet(criteria, [20, 15, 10, 8, 8, 7, 7])
    response = client.post(url, {**data, "submit": "1"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Tick the box" in response.context["form"].errors["understood"][0]
    assert not Review.objects.filter(assignment=assignment, status=Review.Status.SUBMITTED).exists()
    assert client.post(url, {**data, "save": "1"}).status_code == 302
    assert Review.objects.get(assignment=assignment).status == Review.Status.DRAFT
