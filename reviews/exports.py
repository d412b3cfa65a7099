"""The panel's score sheet as XLSX: every submitted score (plan x evaluator x criterion) and a summary sheet
with the ranking statistics. Staff only: it names who gave which score."""

from django.utils.translation import gettext as _

from core import export_jobs
from core.clock import file_stamp, naive_kst
from core.exports import text_row, write_only_sheet

from .models import Criterion, Panel, Rubric
from .selectors import ranking
from .staff_selectors import score_sheet_rows

SCORE_SHEET = "reviews.score_sheet"
PERM = "reviews.manage_panels"


def _round(value):
    return None if value is None else round(float(value), 2)


def _scores_sheet(workbook, panel, rows, progress):
    sheet = write_only_sheet(
        workbook,
        _("Scores"),
        [
            _("Receipt number"),
            _("Plan title"),
            _("Evaluator"),
            _("Criterion"),
            _("Maximum points"),
            _("Points"),
            _("Comment"),
            _("Review total"),
            _("Submitted at (KST)"),
        ],
        [16, 40, 16, 36, 10, 10, 60, 12, 18],
    )
    # Plain values, not model instances: four objects per score made the ORM half of a 30,000-row export.
    criteria = {c.pk: (c.title, float(c.max_points)) for c in Criterion.objects.filter(rubric__call=panel.call)}
    rows = rows.values_list(
        "review__assignment__application__receipt_number",
        "review__assignment__application__title",
        "review__assignment__reviewer__full_name",
        "criterion_id",
        "points",
        "comment",
        "review__total",
        "review__submitted_at",
    )
    for receipt_number, title, evaluator, criterion_id, points, comment, total, submitted_at in rows.iterator(
        chunk_size=2000
    ):
        criterion_title, max_points = criteria[criterion_id]
        text_row(
            sheet,
            [
                receipt_number or "",
                title,
                evaluator,
                criterion_title,
                max_points,
                None if points is None else float(points),
                comment,
                None if total is None else float(total),
                naive_kst(submitted_at),
            ],
            {8: "yyyy-mm-dd hh:mm"},
        )
        progress.step()


def _summary_sheet(workbook, ranked, rubric, progress):
    sheet = write_only_sheet(
        workbook,
        _("Summary"),
        [
            _("Rank"),
            _("Receipt number"),
            _("Plan title"),
            _("Applicant organisation"),
            _("Reviews submitted"),
            _("Mean"),
            _("Median"),
            _("Trimmed mean"),
            _("Standard deviation"),
            _("Spread (highest - lowest)"),
            _("Evaluators disagree"),
            _("Ranking score"),
        ],
        [6, 16, 40, 28, 10, 10, 10, 12, 12, 12, 12, 12],
    )
    for position, row in enumerate(ranked, start=1):
        text_row(
            sheet,
            [
                position if row.review_count else None,
                row.receipt_number or "",
                row.title,
                row.organization.name_ko,
                row.review_count,
                _round(row.score_mean),
                _round(row.score_median),
                _round(row.trimmed_mean),
                _round(row.score_stddev),
                _round(row.spread),
                _("yes") if row.disagreement else _("no"),
                _round(row.ranking_score),
            ],
        )
        progress.step()
    text_row(sheet, [])
    text_row(sheet, [_("Ranking score"), str(rubric.get_ranking_rule_display())])
    text_row(
        sheet,
        [
            _("Highest and lowest dropped from"),
            _("%(count)s submitted reviews") % {"count": rubric.trim_min_reviews},
        ],
    )
    text_row(sheet, [_("Disagreement threshold (points)"), float(rubric.disagreement_threshold)])


def filename(panel, at) -> str:
    return f"scores-panel-{panel.pk}-{file_stamp(at)}.xlsx"


def build_score_sheet(job, workbook, progress):
    """params: {"panel": the panel's id}; the rubric of the panel's call and stage."""
    panel = Panel.objects.select_related("call", "field").get(pk=job.params["panel"])
    rubric = Rubric.objects.get(call=panel.call, stage=panel.stage)
    ranked = ranking(rubric, panel.field)
    scores = score_sheet_rows(panel)
    progress.expect(len(ranked) + scores.count())
    _summary_sheet(workbook, ranked, rubric, progress)
    _scores_sheet(workbook, panel, scores, progress)


def register() -> None:
    export_jobs.register(SCORE_SHEET, perm=PERM, build=build_score_sheet)
