"""Who may see and do what in reviews: small named predicates (django-rules), computed in one place.

A plan an evaluator is conflicted with does not exist for them: every object predicate below is False, and
views turn that into 404 (core.permissions.get_permitted_object_or_404).

Each predicate is a plain function wrapped where it is named (`x = rules.predicate(_x, name="x")`), not
decorated: mutmut skips decorated functions, and these are the rules the mutation run must reach.
"""

import rules

from accounts.rules import is_expert, is_ministry_staff, is_subcommittee_chair, is_subcommittee_member

from .models import Assignment, Review, Rubric, Stage


def _is_own_assignment(user, assignment):
    """Assigned to this user, not conflicted (declared, detected or pinned): the evaluator's list, asked."""
    if assignment is None:
        return False
    return Assignment.objects.visible_to(user).filter(pk=assignment.pk).exists()


is_own_assignment = rules.predicate(_is_own_assignment, name="is_own_assignment")


def _has_declared_no_conflict(user, assignment):
    return assignment is not None and assignment.declaration == Assignment.Declaration.NO_CONFLICT


has_declared_no_conflict = rules.predicate(_has_declared_no_conflict, name="has_declared_no_conflict")


def _own_review_submitted(user, assignment):
    return Review.objects.filter(assignment=assignment, status=Review.Status.SUBMITTED).exists()


own_review_submitted = rules.predicate(_own_review_submitted, name="own_review_submitted")


def _stage_shows_others(user, assignment):
    return Rubric.objects.filter(
        call_id=assignment.panel.call_id, stage=assignment.panel.stage, visibility=Rubric.Visibility.AFTER_SUBMITTING
    ).exists()


stage_shows_others = rules.predicate(_stage_shows_others, name="stage_shows_others")


# --- the subcommittee's pages: every predicate starts from the list's queryset (selectors.subcommittee_plans)


def _on_subcommittee_list(user, application):
    from .selectors import subcommittee_plans

    return application is not None and subcommittee_plans(user).filter(pk=application.pk).exists()


on_subcommittee_list = rules.predicate(_on_subcommittee_list, name="on_subcommittee_list")


def _own_subcommittee_assignments(user, application):
    return Assignment.objects.visible_to(user).filter(
        application=application, panel__stage=Stage.SUBCOMMITTEE, declaration=Assignment.Declaration.NO_CONFLICT
    )


def _assigned_to_subcommittee_plan(user, application):
    return _own_subcommittee_assignments(user, application).exists()


assigned_to_subcommittee_plan = rules.predicate(_assigned_to_subcommittee_plan, name="assigned_to_subcommittee_plan")


def _own_subcommittee_review_submitted(user, application):
    return Review.objects.filter(
        assignment__in=_own_subcommittee_assignments(user, application), status=Review.Status.SUBMITTED
    ).exists()


own_subcommittee_review_submitted = rules.predicate(
    _own_subcommittee_review_submitted, name="own_subcommittee_review_submitted"
)


def _subcommittee_shows_others(user, application):
    return Rubric.objects.filter(
        call_id=application.call_id, stage=Stage.SUBCOMMITTEE, visibility=Rubric.Visibility.AFTER_SUBMITTING
    ).exists()


subcommittee_shows_others = rules.predicate(_subcommittee_shows_others, name="subcommittee_shows_others")


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
rules.add_perm("reviews.view_subcommittee_plan", on_subcommittee_list)
rules.add_perm(
    "reviews.add_subcommittee_note", on_subcommittee_list & (is_subcommittee_chair | assigned_to_subcommittee_plan)
)
rules.add_perm("reviews.finalise_recommendation", on_subcommittee_list & is_subcommittee_chair)
# The subcommittee's running scores are blind like the advisory panel's: a member who scores the plan sees
# them once their own score sheet is in and the stage shows others' reviews; a chair who scores it once
# their own is in (they finalise the recommendation); a chair who does not score, and ministry staff, always.
rules.add_perm(
    "reviews.see_subcommittee_scores",
    on_subcommittee_list
    & (
        is_ministry_staff
        | (is_subcommittee_chair & (~assigned_to_subcommittee_plan | own_subcommittee_review_submitted))
        | (assigned_to_subcommittee_plan & own_subcommittee_review_submitted & subcommittee_shows_others)
    ),
)

# Ministry staff run the panels.
rules.add_perm("reviews.manage_panels", is_ministry_staff)
