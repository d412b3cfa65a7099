"""Who may see and do what in reviews: small named predicates (django-rules), computed in one place.

A plan an evaluator is conflicted with does not exist for them: every object predicate below is False, and
views turn that into 404 (core.permissions.get_permitted_object_or_404).
"""

import rules

from accounts.rules import is_expert, is_ministry_staff, is_subcommittee_chair, is_subcommittee_member

from .models import Assignment, Conflict, Review, Rubric


def conflicted(user, application_id) -> bool:
    return Conflict.objects.filter(application_id=application_id, user=user).exists()


@rules.predicate
def is_own_assignment(user, assignment):
    """Assigned to this user, not conflicted (declared, detected or pinned)."""
    if not user.is_authenticated or assignment is None or assignment.reviewer_id != user.pk:
        return False
    if assignment.declaration == Assignment.Declaration.CONFLICT:
        return False
    return not conflicted(user, assignment.application_id)


@rules.predicate
def has_declared_no_conflict(user, assignment):
    return assignment is not None and assignment.declaration == Assignment.Declaration.NO_CONFLICT


@rules.predicate
def own_review_submitted(user, assignment):
    return Review.objects.filter(assignment=assignment, status=Review.Status.SUBMITTED).exists()


@rules.predicate
def stage_shows_others(user, assignment):
    return Rubric.objects.filter(
        call_id=assignment.panel.call_id, stage=assignment.panel.stage, visibility=Rubric.Visibility.AFTER_SUBMITTING
    ).exists()


@rules.predicate
def not_conflicted_with_plan(user, application):
    return application is not None and user.is_authenticated and not conflicted(user, application.pk)


@rules.predicate
def assigned_to_subcommittee_plan(user, application):
    from .models import Stage

    return Assignment.objects.filter(
        application=application,
        reviewer=user,
        panel__stage=Stage.SUBCOMMITTEE,
        declaration=Assignment.Declaration.NO_CONFLICT,
    ).exists()


# Evaluators (advisory experts and subcommittee members alike).
rules.add_perm("reviews.declare_conflict", is_own_assignment)
rules.add_perm("reviews.review_plan", is_own_assignment & has_declared_no_conflict)
rules.add_perm(
    "reviews.see_other_reviews",
    is_own_assignment & has_declared_no_conflict & own_review_submitted & stage_shows_others,
)
# Anyone who may be assigned: advisory experts and subcommittee members (and the chair).
rules.add_perm("reviews.evaluate", is_expert | is_subcommittee_member | is_subcommittee_chair)

# The subcommittee.
rules.add_perm("reviews.view_subcommittee", is_subcommittee_member | is_subcommittee_chair | is_ministry_staff)
rules.add_perm(
    "reviews.view_subcommittee_plan",
    ((is_subcommittee_chair | is_ministry_staff) & not_conflicted_with_plan) | assigned_to_subcommittee_plan,
)
rules.add_perm(
    "reviews.add_subcommittee_note",
    (is_subcommittee_chair & not_conflicted_with_plan) | assigned_to_subcommittee_plan,
)
rules.add_perm("reviews.finalise_recommendation", is_subcommittee_chair & not_conflicted_with_plan)

# Ministry staff run the panels.
rules.add_perm("reviews.manage_panels", is_ministry_staff)
