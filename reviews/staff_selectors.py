"""Reads of the ministry-staff pages: each answers in a fixed number of queries, whatever the number of plans."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce

from accounts import roles
from accounts.models import User
from applications.models import Application, Call

from .aggregates import counted_reviews
from .models import Assignment, Conflict, Criterion, Panel, Review, Rubric, Score, Stage

# Who may sit on a panel of each stage (role names are data: accounts.roles).
STAGE_ROLES = {
    Stage.ADVISORY: (roles.EXPERT,),
    Stage.SUBCOMMITTEE: (roles.SUBCOMMITTEE_MEMBER, roles.SUBCOMMITTEE_CHAIR),
}


def calls_with_panel_counts():
    return Call.objects.annotate(panel_count=Count("panels")).order_by("-deadline", "pk")


def panels_of_call(call):
    """The call's panels with member, plan-assignment and submitted-review counts (one query)."""
    members = Panel.members.through.objects.filter(panel_id=OuterRef("pk")).values("panel_id")
    return (
        Panel.objects.filter(call=call)
        .select_related("field")
        .annotate(
            member_count=Coalesce(
                Subquery(members.annotate(c=Count("pk")).values("c")[:1], output_field=IntegerField()), 0
            ),
            assignment_count=Count("assignments", distinct=True),
            submitted_count=Count(
                "assignments__review", filter=Q(assignments__review__status=Review.Status.SUBMITTED), distinct=True
            ),
        )
    )


def eligible_experts(stage):
    """Users holding a role of the stage, with what staff need to choose them (profile, fields)."""
    return (
        User.objects.filter(groups__name__in=STAGE_ROLES[stage], is_active=True)
        .distinct()
        .select_related("expert_profile__affiliation__region", "expert_profile__region")
        .prefetch_related("expert_profile__fields")
        .order_by("full_name", "pk")
    )


def _count(queryset):
    return Coalesce(Subquery(queryset.annotate(c=Count("pk")).values("c")[:1], output_field=IntegerField()), 0)


def plan_progress(panel: Panel):
    """The panel's plans with assigned / declared / conflicted / submitted counts, in one query."""
    own = Assignment.objects.filter(panel=panel, application_id=OuterRef("pk")).order_by().values("application_id")
    conflicted = (
        Conflict.objects.filter(application_id=OuterRef("pk"), user__panels=panel)
        .values("application_id")
        .annotate(c=Count("user_id", distinct=True))
        .values("c")[:1]
    )
    return (
        panel.plans()
        .select_related("organization")
        .annotate(
            assigned_count=_count(own),
            declared_count=_count(own.exclude(declaration=Assignment.Declaration.PENDING)),
            conflicted_count=Coalesce(Subquery(conflicted, output_field=IntegerField()), 0),
            submitted_count=_count(own.filter(review__status=Review.Status.SUBMITTED)),
        )
        .order_by("receipt_number", "pk")
    )


def submitted_totals(rubric: Rubric, applications=None) -> dict[int, list[float]]:
    """{application_id: [total, ...]} of the stage's submitted reviews, sorted (anonymous: no reviewer)."""
    return counted_totals(call_id=rubric.call_id, stage=rubric.stage, applications=applications)


def counted_totals(*, call_id: int, stage: str, applications=None) -> dict[int, list[float]]:
    """{application_id: [total, ...]} of the counted reviews of a call's stage, sorted (no reviewer)."""
    rows = counted_reviews(call_id=call_id, stage=stage)
    if applications is not None:
        rows = rows.filter(assignment__application__in=applications)
    result: dict[int, list[float]] = defaultdict(list)
    for application_id, total in rows.values_list("assignment__application_id", "total"):
        result[application_id].append(float(total))
    return {key: sorted(values) for key, values in result.items()}


def assignment_matrix(panel: Panel):
    """Everything the assignment table shows: plans, members, current assignments and conflicts (4 queries)."""
    plans = list(panel.plans().select_related("organization").order_by("receipt_number", "pk"))
    members = list(panel.members.select_related("expert_profile__affiliation").order_by("full_name", "pk"))
    assignments = {
        (a.application_id, a.reviewer_id): a
        for a in panel.assignments.select_related("review").filter(application__in=[p.pk for p in plans])
    }
    conflicts: dict[tuple[int, int], list[Conflict]] = defaultdict(list)
    for conflict in Conflict.objects.filter(application__in=[p.pk for p in plans], user__in=[m.pk for m in members]):
        conflicts[(conflict.application_id, conflict.user_id)].append(conflict)
    return plans, members, assignments, conflicts


def panel_conflicts(panel: Panel):
    return (
        Conflict.objects.filter(application__in=panel.plans().values("pk"), user__panels=panel)
        .select_related("application", "user", "recorded_by")
        .order_by("application__receipt_number", "user__full_name", "source")
    )


def plan_reviews(panel: Panel, application: Application):
    """The panel's assignments of one plan, with each review and its scores (staff may see who scored what)."""
    scores = Score.objects.select_related("criterion").order_by("criterion__position", "criterion_id")
    return (
        Assignment.objects.filter(panel=panel, application=application)
        .select_related("reviewer__expert_profile__affiliation", "review")
        .prefetch_related(Prefetch("review__scores", queryset=scores))
        .order_by("reviewer__full_name", "pk")
    )


def plan_conflicted_users(application) -> set[int]:
    return set(Conflict.objects.filter(application=application).values_list("user_id", flat=True))


def criteria_of(rubric: Rubric):
    return list(Criterion.objects.filter(rubric=rubric).order_by("position", "pk"))


def score_sheet_rows(panel: Panel):
    """One row per counted score of the panel (a conflicted evaluator's are left out, as from the summary):
    plan x evaluator x criterion, in a stable order."""
    counted = counted_reviews(call_id=panel.call_id, stage=panel.stage).filter(assignment__panel=panel)
    return (
        Score.objects.filter(review__in=counted)
        .select_related(
            "criterion",
            "review__assignment__reviewer",
            "review__assignment__application",
        )
        .order_by(
            "review__assignment__application__receipt_number",
            "review__assignment__application_id",
            "review__assignment__reviewer__full_name",
            "review__assignment__reviewer_id",
            "criterion__position",
            "criterion_id",
        )
    )
