"""The stored ranking summary (reviews.models.RankingSummary): kept, rebuilt and read (issue 12).

`refresh` recomputes the summaries of some plans from the live aggregation (reviews.selectors, which reads the
one owner of "which reviews count", aggregates.counted_reviews), so the stored figures cannot follow another
rule. Every service that changes an input calls it in its own transaction: submitting and reopening a review,
recording a conflict (declared, pinned, detected), assigning and unassigning (a plan is in a stage's ranking
while it has an assignment of that stage). The rubric's settings are not an input: what they make of the
figures is derived when reading (`ranking`). `rebuild` recomputes every row (manage.py rebuild_ranking_summaries,
the data migration); tests/reviews/test_standings.py compares the stored rows with the live aggregation after
each kind of change.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber

from applications.models import Application, Call

from .models import Assignment, RankingSummary, Rubric, Stage
from .selectors import FIGURES, criterion_means, with_counted_figures, with_derived_figures
from .staff_selectors import counted_totals

STORED = (*FIGURES, "totals", "criterion_means")


def refresh(application_ids: Iterable[int]) -> None:
    """Recompute the stored summaries of these plans, every stage. The plans' rows are locked first (in a
    fixed order), so two transactions changing one plan's reviews at once compute one after the other and
    the later sees the earlier's committed change."""
    ids = sorted(set(application_ids))
    if not ids:
        return
    with transaction.atomic():
        plans = list(Application.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk", "call_id"))
        by_call: dict[int, list[int]] = {}
        for plan in plans:
            by_call.setdefault(plan["call_id"], []).append(plan["pk"])
        for call_id, plan_ids in by_call.items():
            for stage in Stage.values:
                _store(call_id, stage, plan_ids)


def rebuild(call: Call | None = None) -> int:
    """Recompute every stored summary (of one call, or of all): the repair after a bulk load or a restore.
    Each call's plans are locked first, as by `refresh`, so a review submitted meanwhile is not overwritten by
    figures read before it. Returns the number of rows written."""
    written = 0
    with transaction.atomic():
        calls = [call.pk] if call is not None else list(Call.objects.order_by("pk").values_list("pk", flat=True))
        for call_id in calls:
            list(Application.objects.select_for_update().filter(call_id=call_id).order_by("pk").values_list("pk"))
            for stage in Stage.values:
                written += _store(call_id, stage, None)
    return written


def _store(call_id: int, stage: str, plan_ids: list[int] | None) -> int:
    """Write the rows of a call's stage (only of `plan_ids` when given); drop those of plans no longer assigned."""
    assigned = Assignment.objects.filter(panel__call_id=call_id, panel__stage=stage)
    existing = RankingSummary.objects.filter(stage=stage, application__call_id=call_id)
    if plan_ids is not None:
        assigned = assigned.filter(application_id__in=plan_ids)
        existing = existing.filter(application_id__in=plan_ids)
    plans = Application.objects.filter(pk__in=assigned.values("application_id"))
    live = list(with_counted_figures(plans, call_id=call_id, stage=stage).values("pk", *FIGURES))
    existing.exclude(application_id__in=[row["pk"] for row in live]).delete()
    if not live:
        return 0
    scope = [row["pk"] for row in live] if plan_ids is not None else plans.values("pk")
    totals = counted_totals(call_id=call_id, stage=stage, applications=scope)
    means = criterion_means(call_id=call_id, stage=stage, applications=scope)
    rows = [
        RankingSummary(
            application_id=row["pk"],
            stage=stage,
            **{name: row[name] for name in FIGURES},
            totals=totals.get(row["pk"], []),
            criterion_means={str(k): v for k, v in means.get(row["pk"], {}).items()},
        )
        for row in live
    ]
    RankingSummary.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["application", "stage"],
        update_fields=[*STORED, "updated_at"],
    )
    return len(rows)


# --- reading ---------------------------------------------------------------------------------------------

RANK_ORDER = (
    F("ranking_score").desc(nulls_last=True),
    F("application__receipt_number").asc(),
    F("application_id").asc(),
)


def ranking(rubric: Rubric, field=None):
    """The stored summaries of the rubric's call and stage (and field), with the rubric's derived figures
    and `rank`, the plan's place within its field (1 = best; a plan without a counted review has one too,
    after every scored plan, shown without it), ranked best first."""
    rows = RankingSummary.objects.filter(application__call_id=rubric.call_id, stage=rubric.stage)
    if field is not None:
        rows = rows.filter(application__field=field)
    return (
        with_derived_figures(rows, rubric)
        .annotate(rank=Window(RowNumber(), partition_by=[F("application__field_id")], order_by=RANK_ORDER))
        .order_by(*RANK_ORDER)
    )


def scores_by_field(rubric: Rubric, field=None) -> dict[int, list[float | None]]:
    """{field_id: [ranking score of each plan]}, for the one distribution chart per field (one query)."""
    result: dict[int, list[float | None]] = {}
    rows = with_derived_figures(
        RankingSummary.objects.filter(application__call_id=rubric.call_id, stage=rubric.stage), rubric
    )
    if field is not None:
        rows = rows.filter(application__field=field)
    for field_id, score in rows.values_list("application__field_id", "ranking_score"):
        result.setdefault(field_id, []).append(score)
    return result


class RankedRows(Sequence):
    """The rows of `ranking` sorted by `order` (then by rank), for a paginator that is told their count.

    A slice costs two small queries: the ids and ranks of that slice (the window function sorts narrow rows,
    not every plan with its texts and JSON), then those rows with their plan, organisation and field. Each
    item is the plan, carrying its figures, derived figures, rank, totals and {criterion id: mean}."""

    def __init__(self, rubric: Rubric, field, order, count: int):
        self.rubric, self.field, self.order, self.count = rubric, field, tuple(order), count

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        head = list(
            ranking(self.rubric, self.field).order_by(*self.order, *RANK_ORDER).values_list("pk", "rank")[index]
        )
        found = (
            with_derived_figures(RankingSummary.objects.filter(pk__in=[pk for pk, _rank in head]), self.rubric)
            .select_related("application__organization", "application__field")
            .in_bulk()
        )
        plans = []
        for pk, rank in head:
            row = found[pk]
            plan = row.application
            for name in (*FIGURES, "trimmed_mean", "spread", "disagreement", "ranking_score", "totals"):
                setattr(plan, name, getattr(row, name))
            plan.rank = rank
            plan.criterion_means = {int(k): v for k, v in row.criterion_means.items()}
            plans.append(plan)
        return plans
