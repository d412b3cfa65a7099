"""The reviews room's transitions as reviews/transitions.py registers them (names, from where to where, who
may, the guards, the reason), and each guard and permission asked directly.

register_all runs when the app is ready; here it runs again into an empty registry so its own result is seen."""

import pytest
from django.utils import translation

from applications import workflow
from applications.models import Application
from applications.workflow import State
from reviews import transitions
from reviews.models import Assignment, Conflict, Recommendation, Review, Stage
from tests.factories import ExpertFactory, assign, make_panel, make_rubric, reviewable_plan, submitted_review

POINTS = (25, 20, 15, 10, 10, 10, 10)


@pytest.fixture
def registered(monkeypatch):
    registry = {}
    monkeypatch.setattr(workflow, "TRANSITIONS", registry)
    transitions.register_all()
    with translation.override("en"):
        return {
            name: (t.sources, t.target, str(t.label), t.allowed, t.guards, t.effects, t.requires_reason)
            for name, t in registry.items()
        }


def test_what_is_registered(registered):
    assert registered == {
        "start_advisory_review": (
            ("screened",),
            "advisory_review",
            "Start expert review",
            transitions._staff,
            (),
            (),
            False,
        ),
        "start_consultation": (
            ("advisory_review",),
            "consultation",
            "Consult related ministries",
            transitions._staff,
            (transitions.has_advisory_reviews, transitions.all_reviews_in),
            (),
            False,
        ),
        "start_consultation_override": (
            ("advisory_review",),
            "consultation",
            "Consult related ministries before all reviews are in",
            transitions._staff,
            (transitions.has_advisory_reviews,),
            (),
            True,
        ),
        "to_subcommittee": (
            ("advisory_review", "consultation"),
            "subcommittee",
            "Move to the subcommittee",
            transitions._staff,
            (transitions.has_advisory_reviews, transitions.all_reviews_in, transitions.opinions_in),
            (),
            False,
        ),
        "to_subcommittee_override": (
            ("advisory_review", "consultation"),
            "subcommittee",
            "Move to the subcommittee before all reviews are in",
            transitions._staff,
            (transitions.has_advisory_reviews,),
            (),
            True,
        ),
        "refer_to_committee": (
            ("subcommittee",),
            "committee",
            "Refer to the committee",
            transitions._chair,
            (transitions.has_recommendation, transitions.has_subcommittee_scores),
            (),
            False,
        ),
        "refer_to_committee_override": (
            ("subcommittee",),
            "committee",
            "Refer to the committee without the subcommittee's scores",
            transitions._chair,
            (transitions.has_recommendation,),
            (),
            True,
        ),
    }


@pytest.mark.django_db
def test_staff_and_chair(panel_setup, ministry_staff, chair):
    plan = panel_setup["plan"]
    assert transitions._staff(ministry_staff, plan) is True
    assert transitions._staff(chair, plan) is False
    Application.objects.filter(pk=plan.pk).update(status=State.SUBCOMMITTEE)
    plan.refresh_from_db()
    assert transitions._chair(chair, plan) is True
    assert transitions._chair(ministry_staff, plan) is False
    Conflict.objects.create(application=plan, user=chair, source=Conflict.Source.PINNED, reason="지역 연고")
    assert transitions._chair(chair, plan) is False


@pytest.mark.django_db
def test_all_reviews_in_waits_for_every_unconflicted_advisory_evaluator(panel_setup, review_call):
    plan, assignments = panel_setup["plan"], panel_setup["assignments"]
    with translation.override("en"):
        waiting = str(transitions.all_reviews_in(plan, None))
    assert waiting == (
        "Not all assigned evaluators have submitted their review yet. Wait for them, or move the plan on with a reason."
    )
    # The conflicted (declared, pinned) are not waited for; the others are, until each submits.
    submitted_review(assignments["ready"], POINTS)
    submitted_review(assignments["peer"], POINTS)
    assert transitions.all_reviews_in(plan, None) is not None
    Assignment.objects.filter(pk=assignments["pending"].pk).delete()
    assert transitions.all_reviews_in(plan, None) is None
    # A subcommittee assignment still open does not hold the advisory stage.
    make_rubric(review_call, Stage.SUBCOMMITTEE)
    member = ExpertFactory()
    assign(make_panel(review_call, stage=Stage.SUBCOMMITTEE, members=[member]), plan, member)
    assert transitions.all_reviews_in(plan, None) is None


@pytest.mark.django_db
def test_has_advisory_reviews_needs_a_submitted_advisory_review_of_this_plan(panel_setup, review_call):
    plan, assignments = panel_setup["plan"], panel_setup["assignments"]
    with translation.override("en"):
        assert transitions.has_advisory_reviews(plan, None) == "No evaluator has submitted a review of this plan yet."
    review = submitted_review(assignments["ready"], POINTS)
    Review.objects.filter(pk=review.pk).update(status=Review.Status.DRAFT)
    assert transitions.has_advisory_reviews(plan, None) is not None
    make_rubric(review_call, Stage.SUBCOMMITTEE)
    member = ExpertFactory()
    submitted_review(assign(make_panel(review_call, stage=Stage.SUBCOMMITTEE, members=[member]), plan, member), POINTS)
    assert transitions.has_advisory_reviews(plan, None) is not None
    Review.objects.filter(pk=review.pk).update(status=Review.Status.SUBMITTED)
    assert transitions.has_advisory_reviews(plan, None) is None


@pytest.mark.django_db
def test_has_recommendation_of_this_plan(panel_setup, chair):
    plan = panel_setup["plan"]
    with translation.override("en"):
        assert transitions.has_recommendation(plan, None) == "The subcommittee's recommendation has not been recorded."
    Recommendation.objects.create(
        application=plan, decision="recommend", reasons="우수", finalised_by=chair, finalised_at=plan.created_at
    )
    assert transitions.has_recommendation(plan, None) is None


@pytest.mark.django_db
def test_has_subcommittee_scores_counts_only_unconflicted_subcommittee_reviews_of_this_plan(panel_setup, review_call):
    plan, assignments = panel_setup["plan"], panel_setup["assignments"]
    submitted_review(assignments["ready"], POINTS)  # an advisory review does not count here
    make_rubric(review_call, Stage.SUBCOMMITTEE)
    member, conflicted = ExpertFactory(), ExpertFactory()
    panel = make_panel(review_call, stage=Stage.SUBCOMMITTEE, members=[member, conflicted])
    submitted_review(assign(panel, plan, conflicted), POINTS)
    Conflict.objects.create(application=plan, user=conflicted, source=Conflict.Source.PINNED, reason="친족")
    with translation.override("en"):
        assert str(transitions.has_subcommittee_scores(plan, None)) == (
            "No subcommittee member's scores count for this plan yet. Wait for them, or refer the plan with a "
            "reason for doing so without them."
        )
    review = submitted_review(assign(panel, plan, member), POINTS)
    assert transitions.has_subcommittee_scores(plan, None) is None
    Review.objects.filter(pk=review.pk).update(status=Review.Status.DRAFT)
    assert transitions.has_subcommittee_scores(plan, None) is not None


@pytest.mark.django_db
def test_another_plans_advisory_review_does_not_count(panel_setup, review_call):
    plan, panel = panel_setup["plan"], panel_setup["panel"]
    other = reviewable_plan(review_call)
    submitted_review(assign(panel, other, panel_setup["experts"]["ready"]), POINTS)
    assert transitions.has_advisory_reviews(other, None) is None
    assert transitions.has_advisory_reviews(plan, None) is not None
