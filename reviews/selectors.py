"""Reads of the reviews room: what an evaluator sees, and the score aggregation (in the database).

Per plan and stage: count, mean, median, trimmed mean (highest and lowest total dropped once at least
`trim_min_reviews` reviews are in), population standard deviation, spread and a disagreement flag. Each
is an annotation, so a ranking of any length is one query.
"""

from __future__ import annotations

from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    FilteredRelation,
    FloatField,
    Max,
    Min,
    Q,
    StdDev,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, RowNumber

from accounts import roles
from applications.models import Application
from applications.workflow import EMBARGOED_STATES, State

from .aggregates import Median, conflicted, counted_reviews
from .models import Assignment, Review, Rubric, Score, Stage


def evaluator_assignments(user):
    """The user's assignments they may still see: conflicted ones do not exist for them."""
    return (
        Assignment.objects.visible_to(user)
        .select_related("panel", "panel__call", "panel__field", "application", "application__organization", "review")
        .order_by("panel__stage", "application__receipt_number", "pk")
    )


# A plan is on the subcommittee's pages from its stage on; a decided plan stays there (shown as under
# deliberation until the announcement, see applications/embargo.py), so its leaving the list tells nothing.
SUBCOMMITTEE_STATES = (State.SUBCOMMITTEE, State.COMMITTEE, *EMBARGOED_STATES)


def subcommittee_plans(user):
    """The one answer to "which plans may this user open on the subcommittee's pages": the chair and ministry
    staff see every plan from the subcommittee stage on, a member those assigned to them; nobody (superusers
    included) sees a plan they are conflicted with."""
    if not user.is_authenticated:
        return Application.objects.none()
    plans = Application.objects.filter(status__in=SUBCOMMITTEE_STATES).exclude(conflicts__user=user)
    if user.is_superuser or user.has_role(roles.SUBCOMMITTEE_CHAIR) or user.has_role(roles.MINISTRY_STAFF):
        return plans
    mine = Assignment.objects.visible_to(user).filter(
        panel__stage=Stage.SUBCOMMITTEE, declaration=Assignment.Declaration.NO_CONFLICT
    )
    return plans.filter(pk__in=mine.values("application"))


def open_advisory_assignments(application):
    """Assignments of the advisory stage still waiting for a submitted review (conflicted ones excluded)."""
    return (
        Assignment.objects.filter(application=application, panel__stage=Stage.ADVISORY)
        .exclude(conflicted())
        .exclude(review__status=Review.Status.SUBMITTED)
    )


def _sqlite_non_null(counted: str):
    """Plans without a counted review join one NULL row: PostgreSQL's aggregates skip it, Django's SQLite
    StdDev (a Python aggregate, the SQLite of `make run`) raises on it, so there it reads non-NULL rows only.
    PostgreSQL keeps the plain aggregate (no FILTER: the ranking query applies its rule once, issue 12)."""
    from django.db import connection

    return Q(**{f"{counted}__pk__isnull": False}) if connection.vendor == "sqlite" else None


def with_review_summary(queryset, rubric: Rubric, prefix: str = "", field=None):
    """Annotate plans with the submitted-review statistics of `rubric`'s stage (`field`: the plans are all of
    that field, so only its reviews need reading)."""
    queryset = with_counted_figures(queryset, call_id=rubric.call_id, stage=rubric.stage, prefix=prefix, field=field)
    return with_derived_figures(queryset, rubric, prefix)


FIGURES = ("review_count", "score_sum", "score_max", "score_min", "score_mean", "score_median", "score_stddev")


def with_counted_figures(queryset, *, call_id: int, stage: str, prefix: str = "", field=None):
    """Annotate plans with the figures of their counted reviews of a call's stage that no rubric setting
    changes (FIGURES): what reviews.standings stores, and what with_derived_figures reads."""
    counted_ids = counted_reviews(call_id=call_id, stage=stage)
    if field is not None:
        counted_ids = counted_ids.filter(assignment__application__field=field)
    # The counted reviews are joined once (the rule in the join's ON clause, a hashed subquery PostgreSQL
    # evaluates once), so every aggregate reads the same rows without a FILTER of its own: repeating the rule
    # inside seven aggregates made the plan's cost estimate cross PostgreSQL's JIT thresholds (issue 12).
    counted = f"{prefix}counted_review"
    queryset = queryset.alias(
        **{
            counted: FilteredRelation(
                "review_assignments__review",
                condition=Q(review_assignments__review__in=Subquery(counted_ids.values("pk"))),
            )
        }
    )
    total = Cast(f"{counted}__total", FloatField())
    return queryset.annotate(
        **{
            f"{prefix}review_count": Count(f"{counted}__pk"),
            f"{prefix}score_sum": Sum(total),
            f"{prefix}score_max": Max(total),
            f"{prefix}score_min": Min(total),
            f"{prefix}score_mean": Avg(total),
            f"{prefix}score_median": Median(total),
            f"{prefix}score_stddev": StdDev(total, filter=_sqlite_non_null(counted)),
        }
    )


def with_derived_figures(queryset, rubric: Rubric, prefix: str = ""):
    """Add what the rubric's settings make of FIGURES (annotations or stored columns of those names): the
    trimmed mean, the spread, the disagreement flag and the ranking score. The one place these are computed,
    for the live aggregation and the stored summary alike."""
    n = f"{prefix}review_count"
    trimmed = Case(
        When(
            **{f"{n}__gte": max(rubric.trim_min_reviews, 3)},
            then=ExpressionWrapper(
                (F(f"{prefix}score_sum") - F(f"{prefix}score_max") - F(f"{prefix}score_min"))
                / Cast(F(n) - 2, FloatField()),
                output_field=FloatField(),
            ),
        ),
        default=F(f"{prefix}score_mean"),
        output_field=FloatField(),
    )
    queryset = queryset.annotate(
        **{
            f"{prefix}trimmed_mean": trimmed,
            f"{prefix}spread": ExpressionWrapper(
                F(f"{prefix}score_max") - F(f"{prefix}score_min"), output_field=FloatField()
            ),
        }
    )
    queryset = queryset.annotate(
        **{
            f"{prefix}disagreement": Case(
                When(
                    **{f"{prefix}spread__gt": Value(float(rubric.disagreement_threshold))},
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            ),
            f"{prefix}ranking_score": {
                Rubric.RankingRule.TRIMMED_MEAN: F(f"{prefix}trimmed_mean"),
                Rubric.RankingRule.MEAN: F(f"{prefix}score_mean"),
                Rubric.RankingRule.MEDIAN: F(f"{prefix}score_median"),
            }[rubric.ranking_rule],
        }
    )
    return queryset


RANK_ORDER = (F("ranking_score").desc(nulls_last=True), F("receipt_number").asc(), F("pk").asc())


def ranking(rubric: Rubric, field=None):
    """Plans of the rubric's call (and field) ranked by the stage's ranking score, best first, aggregated live
    (the score sheet, the checks of reviews.standings; the pages read the stored summary, standings.ranking).

    `rank` is the plan's place within its field (1 = best), whatever order the caller then sorts or pages by;
    a plan without a counted review has a rank too (after every scored plan) but is shown without one."""
    panel_plans = Application.objects.filter(
        call_id=rubric.call_id, review_assignments__panel__stage=rubric.stage
    ).values("pk")
    queryset = Application.objects.filter(pk__in=panel_plans).select_related("organization", "field")
    if field is not None:
        queryset = queryset.filter(field=field)
    return (
        with_review_summary(queryset, rubric, field=field)
        .annotate(rank=Window(RowNumber(), partition_by=[F("field_id")], order_by=RANK_ORDER))
        .order_by(*RANK_ORDER)
    )


def criterion_averages(rubric: Rubric, applications=None) -> dict[int, dict[int, float]]:
    """{application_id: {criterion_id: mean points}} over submitted reviews, in one query."""
    return criterion_means(call_id=rubric.call_id, stage=rubric.stage, applications=applications)


def criterion_means(*, call_id: int, stage: str, applications=None) -> dict[int, dict[int, float]]:
    """{application_id: {criterion_id: mean points}} of the counted reviews of a call's stage (their scores
    are of that stage's rubric), in one query."""
    rows = Score.objects.filter(review__in=counted_reviews(call_id=call_id, stage=stage))
    if applications is not None:
        rows = rows.filter(review__assignment__application__in=applications)
    result: dict[int, dict[int, float]] = {}
    for row in rows.values("review__assignment__application_id", "criterion_id").annotate(mean=Avg("points")):
        result.setdefault(row["review__assignment__application_id"], {})[row["criterion_id"]] = float(row["mean"])
    return result


def _rounded(value):
    return None if value is None else round(float(value), 2)


def stage_summary(application) -> dict:
    """The stage results of one plan (never who gave which score): for the subcommittee, the committee and
    the decision notice. JSON-serialisable."""
    summary = {}
    for rubric in Rubric.objects.filter(call_id=application.call_id).prefetch_related("criteria").order_by("stage"):
        row = with_review_summary(Application.objects.filter(pk=application.pk), rubric).values(
            "review_count",
            "score_mean",
            "score_median",
            "trimmed_mean",
            "score_stddev",
            "ranking_score",
            "disagreement",
        )[0]
        if not row["review_count"]:
            continue
        averages = criterion_averages(rubric, [application.pk]).get(application.pk, {})
        summary[rubric.stage] = {
            "reviews": row["review_count"],
            "mean": _rounded(row["score_mean"]),
            "median": _rounded(row["score_median"]),
            "trimmed_mean": _rounded(row["trimmed_mean"]),
            "stddev": _rounded(row["score_stddev"]),
            "score": _rounded(row["ranking_score"]),
            "rule": rubric.ranking_rule,
            "disagreement": bool(row["disagreement"]),
            "criteria": [
                {
                    "title_ko": c.title_ko,
                    "title_en": c.title_en,
                    "max": float(c.max_points),
                    "mean": _rounded(averages.get(c.pk)),
                }
                for c in rubric.criteria.all()
            ],
        }
    return summary


def call_dates(call):
    """The review due dates of `call`, for its staff timeline (applications.extensions)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from applications.extensions import CallDate

    url = reverse("reviews:staff_panels", kwargs={"slug": call.slug})
    return [
        CallDate(rubric.due_at, _("Reviews due: %(stage)s") % {"stage": rubric.get_stage_display()}, url)
        for rubric in Rubric.objects.filter(call=call).order_by("due_at")
    ]
