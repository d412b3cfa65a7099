"""What the staff's ranking tables and the evaluator's list show of each row, computed once in Python (issue 12):
the tables' cells are plain texts the templates print, instead of a filter chain, a `{% url %}` and a
`{% blocktranslate %}` per cell of a 50-row table. The figures themselves come from reviews.standings, whether a
stage is open from reviews.due; nothing is decided here."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _

from core.clock import format_kst, machine_kst
from core.numbers import fixed, fixed_or_dash
from core.row_urls import RowUrl

from . import charts, due
from .models import Assignment, Review


def figure_texts(rows) -> list:
    """Give each ranked plan (standings.RankedRows) the texts of its cells: `rank_text` ("—" without a counted
    review), `mean_text`, `median_text`, `trimmed_text`, `stddev_text`, `score_text` (two decimals or "—") and
    `disagreement_text` (shown in a badge when `disagreement`)."""
    for row in rows:
        counted = bool(row.review_count)
        row.rank_text = str(row.rank) if counted else "—"
        row.mean_text = fixed_or_dash(row.score_mean)
        row.median_text = fixed_or_dash(row.score_median)
        row.trimmed_text = fixed_or_dash(row.trimmed_mean)
        row.stddev_text = fixed_or_dash(row.score_stddev)
        row.score_text = fixed_or_dash(row.ranking_score)
        if row.disagreement:
            row.disagreement_text = _("yes (spread %(spread)s)") % {"spread": fixed(row.spread, 1)}
        else:
            row.disagreement_text = _("no") if counted else "—"
    return rows


def ranking_rows(rubric, rows, panel=None):
    """The dashboard's ranking rows: their texts, each plan's anonymous score distribution chart and, with
    `panel`, the address of the plan's page in that panel (`url`)."""
    plan_url = RowUrl("reviews:staff_plan", panel.pk) if panel is not None else None
    for row in rows:
        row.rank = row.rank if row.review_count else None
        row.chart = charts.score_distribution(
            row.totals,
            mean=row.score_mean,
            trimmed_mean=row.trimmed_mean if row.review_count else None,
            chart_id=f"dist-{rubric.stage}-{row.pk}",
            label=_("Score distribution of “%(plan)s”") % {"plan": row.title},
        )
        if plan_url is not None:
            row.url = plan_url(row.pk)
    return figure_texts(list(rows))


def progress_rows(panel, plans) -> list:
    """The dashboard's progress rows: each plan with the address of its page in the panel (`url`)."""
    plan_url = RowUrl("reviews:staff_plan", panel.pk)
    for plan in plans:
        plan.url = plan_url(plan.pk)
    return plans


def averages_rows(plans, criteria):
    """The criterion means of the plans shown (stored with their summary), as the averages table writes them:
    {"plan", "values": [text per criterion]}."""
    return [
        {"plan": plan, "values": [fixed_or_dash(plan.criterion_means.get(c.pk)) for c in criteria]}
        for plan in plans
        if plan.criterion_means
    ]


def assignment_rows(assignments, rubrics) -> list:
    """The evaluator's "my evaluations" rows: each assignment with the due date of its stage's rubric (`rubrics`
    by (call id, stage); `due_text` in KST and `due_machine` for <time datetime>, "" without a rubric), whether
    its stage is still open (reviews.due.stage_open_for decides), its `review` or None, and the link it offers:
    `declare_url` while the declaration is pending and the stage open, else `open_url` unless the stage closed
    undeclared. `status` names its badge: closed, pending, submitted, draft or new."""
    declare, open_ = RowUrl("reviews:declare"), RowUrl("reviews:review")
    rows = list(assignments)
    for assignment in rows:
        rubric = rubrics.get((assignment.panel.call_id, assignment.panel.stage))
        assignment.due_text = format_kst(rubric.due_at) if rubric else ""
        assignment.due_machine = machine_kst(rubric.due_at) if rubric else ""
        stage_open = due.stage_open_for(assignment.application, assignment.panel)
        try:
            review = assignment.review
        except ObjectDoesNotExist:
            review = None
        submitted = review is not None and review.status == Review.Status.SUBMITTED
        pending = assignment.declaration == Assignment.Declaration.PENDING
        if not stage_open and not submitted:
            assignment.status = "closed"
        elif pending:
            assignment.status = "pending"
        elif submitted:
            assignment.status = "submitted"
        else:
            assignment.status = "draft" if review is not None else "new"
        assignment.declare_url = declare(assignment.pk) if pending and stage_open else ""
        assignment.open_url = open_(assignment.pk) if not pending else ""
    return rows
