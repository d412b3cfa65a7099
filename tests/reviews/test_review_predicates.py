"""The reviews room's predicates (reviews.rules) asked directly: each is the owner of its rule, and the views
only load objects through them, so each is tested here at its edges, not only through a page."""

import pytest

from accounts import roles
from applications.models import Application
from applications.workflow import State
from reviews import rules as review_rules
from reviews.models import Assignment, Conflict, Review, Rubric, Stage
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

pytestmark = pytest.mark.django_db

POINTS = (25, 20, 15, 10, 10, 10, 10)


def test_own_assignment_only_and_never_a_conflicted_one(panel_setup):
    experts, assignments = panel_setup["experts"], panel_setup["assignments"]
    assert review_rules.is_own_assignment(experts["ready"], assignments["ready"]) is True
    assert review_rules.is_own_assignment(experts["pending"], assignments["pending"]) is True
    assert review_rules.is_own_assignment(experts["ready"], assignments["peer"]) is False
    assert review_rules.is_own_assignment(experts["ready"], None) is False
    assert review_rules.is_own_assignment(experts["declared"], assignments["declared"]) is False
    assert review_rules.is_own_assignment(experts["pinned"], assignments["pinned"]) is False


def test_declared_no_conflict(panel_setup):
    experts, assignments = panel_setup["experts"], panel_setup["assignments"]
    assert review_rules.has_declared_no_conflict(experts["ready"], assignments["ready"]) is True
    assert review_rules.has_declared_no_conflict(experts["pending"], assignments["pending"]) is False
    assert review_rules.has_declared_no_conflict(experts["declared"], assignments["declared"]) is False
    assert review_rules.has_declared_no_conflict(experts["ready"], None) is False


def test_own_review_submitted_is_this_assignments_and_submitted(panel_setup):
    experts, assignments = panel_setup["experts"], panel_setup["assignments"]
    ready = assignments["ready"]
    assert review_rules.own_review_submitted(experts["ready"], ready) is False
    submitted_review(assignments["peer"], POINTS)
    assert review_rules.own_review_submitted(experts["ready"], ready) is False
    review = submitted_review(ready, POINTS)
    assert review_rules.own_review_submitted(experts["ready"], ready) is True
    Review.objects.filter(pk=review.pk).update(status=Review.Status.DRAFT)
    assert review_rules.own_review_submitted(experts["ready"], ready) is False


def test_the_stage_shows_others_by_its_own_rubric(panel_setup, review_call):
    ready, expert = panel_setup["assignments"]["ready"], panel_setup["experts"]["ready"]
    assert review_rules.stage_shows_others(expert, ready) is True
    Rubric.objects.filter(pk=panel_setup["rubric"].pk).update(visibility=Rubric.Visibility.NEVER)
    # The subcommittee's rubric of this call, and another call's advisory rubric, show others: not this stage's.
    make_rubric(review_call, Stage.SUBCOMMITTEE, visibility=Rubric.Visibility.AFTER_SUBMITTING)
    make_rubric(CallFactory(), visibility=Rubric.Visibility.AFTER_SUBMITTING)
    assert review_rules.stage_shows_others(expert, ready) is False


def test_the_perms_combine_the_predicates(panel_setup):
    experts, assignments = panel_setup["experts"], panel_setup["assignments"]
    assert experts["pending"].has_perm("reviews.declare_conflict", assignments["pending"])
    assert not experts["pending"].has_perm("reviews.review_plan", assignments["pending"])
    assert experts["ready"].has_perm("reviews.review_plan", assignments["ready"])
    assert not experts["ready"].has_perm("reviews.see_other_reviews", assignments["ready"])
    submitted_review(assignments["ready"], POINTS)
    assert experts["ready"].has_perm("reviews.see_other_reviews", assignments["ready"])


# --- the subcommittee


@pytest.fixture
def subcommittee(panel_setup, review_call):
    plan = panel_setup["plan"]
    Application.objects.filter(pk=plan.pk).update(status=State.SUBCOMMITTEE)
    plan.refresh_from_db()
    rubric = make_rubric(review_call, Stage.SUBCOMMITTEE, visibility=Rubric.Visibility.AFTER_SUBMITTING)
    member = ExpertFactory(roles=[roles.SUBCOMMITTEE_MEMBER])
    chair = UserFactory(roles=[roles.SUBCOMMITTEE_CHAIR])
    panel = make_panel(review_call, stage=Stage.SUBCOMMITTEE, members=[member, chair])
    return {"plan": plan, "member": member, "chair": chair, "panel": panel, "rubric": rubric}


def test_on_the_list(subcommittee):
    plan, member, chair = subcommittee["plan"], subcommittee["member"], subcommittee["chair"]
    assert review_rules.on_subcommittee_list(chair, plan) is True
    assert review_rules.on_subcommittee_list(chair, None) is False
    assert review_rules.on_subcommittee_list(member, plan) is False  # not assigned
    assign(subcommittee["panel"], plan, member)
    assert review_rules.on_subcommittee_list(member, plan) is True
    Conflict.objects.create(application=plan, user=chair, source=Conflict.Source.PINNED, reason="지역 연고")
    assert review_rules.on_subcommittee_list(chair, plan) is False


def test_assigned_means_declared_free_of_conflict_at_the_subcommittee_stage(subcommittee, panel_setup):
    plan, member = subcommittee["plan"], subcommittee["member"]
    # An advisory assignment of the same plan does not make an expert a subcommittee scorer.
    ready = panel_setup["experts"]["ready"]
    assert review_rules.assigned_to_subcommittee_plan(ready, plan) is False
    assignment = assign(subcommittee["panel"], plan, member, Assignment.Declaration.PENDING)
    assert review_rules.assigned_to_subcommittee_plan(member, plan) is False
    Assignment.objects.filter(pk=assignment.pk).update(declaration=Assignment.Declaration.NO_CONFLICT)
    assert review_rules.assigned_to_subcommittee_plan(member, plan) is True


def test_own_subcommittee_review_submitted(subcommittee, panel_setup):
    plan, member = subcommittee["plan"], subcommittee["member"]
    assignment = assign(subcommittee["panel"], plan, member)
    assert review_rules.own_subcommittee_review_submitted(member, plan) is False
    # The member's advisory review of the plan (were they an expert too) is not their subcommittee sheet.
    advisory = assign(panel_setup["panel"], plan, member)
    submitted_review(advisory, POINTS)
    assert review_rules.own_subcommittee_review_submitted(member, plan) is False
    review = submitted_review(assignment, POINTS)
    assert review_rules.own_subcommittee_review_submitted(member, plan) is True
    Review.objects.filter(pk=review.pk).update(status=Review.Status.DRAFT)
    assert review_rules.own_subcommittee_review_submitted(member, plan) is False


def test_the_subcommittee_shows_others_by_its_own_rubric(subcommittee, review_call):
    plan, member = subcommittee["plan"], subcommittee["member"]
    assert review_rules.subcommittee_shows_others(member, plan) is True
    Rubric.objects.filter(pk=subcommittee["rubric"].pk).update(visibility=Rubric.Visibility.NEVER)
    # The advisory rubric of this call shows others (panel_setup), and so does another call's subcommittee.
    make_rubric(CallFactory(), Stage.SUBCOMMITTEE, visibility=Rubric.Visibility.AFTER_SUBMITTING)
    assert review_rules.subcommittee_shows_others(member, plan) is False


def test_a_conflicted_chair_may_neither_note_nor_finalise(subcommittee):
    plan, chair = subcommittee["plan"], subcommittee["chair"]
    assert chair.has_perm("reviews.add_subcommittee_note", plan)
    assert chair.has_perm("reviews.finalise_recommendation", plan)
    Conflict.objects.create(application=plan, user=chair, source=Conflict.Source.DECLARED, reason="전 소속")
    assert not chair.has_perm("reviews.add_subcommittee_note", plan)
    assert not chair.has_perm("reviews.finalise_recommendation", plan)


def test_assigned_to_another_subcommittee_plan_is_not_assigned_to_this_one(subcommittee, review_call):
    plan, member = subcommittee["plan"], subcommittee["member"]
    other = reviewable_plan(review_call, status=State.SUBCOMMITTEE)
    assign(subcommittee["panel"], other, member)
    assert review_rules.assigned_to_subcommittee_plan(member, other) is True
    assert review_rules.assigned_to_subcommittee_plan(member, plan) is False
    assert review_rules.own_subcommittee_review_submitted(member, plan) is False
