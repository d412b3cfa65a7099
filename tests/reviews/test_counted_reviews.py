"""One owner of "a conflicted evaluator's review does not count" (reviews.aggregates.counted_reviews): the
ranking, the mean, the criterion averages, the score chart, the stage summary, the score-sheet export and the
"other reviews" page agree on a plan one of whose evaluators was found conflicted after submitting."""

import openpyxl
import pytest
from django.utils import timezone, translation

from accounts import roles
from applications.models import Application
from core import export_jobs
from reviews.aggregates import conflicted, counted_reviews
from reviews.exports import SCORE_SHEET
from reviews.models import Assignment, Conflict, Review
from reviews.selectors import criterion_averages, open_advisory_assignments, ranking, stage_summary
from reviews.staff_selectors import score_sheet_rows, submitted_totals
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

CLEAN = [(20, 15, 10, 8, 8, 8, 8), (25, 20, 15, 10, 10, 10, 10)]  # totals 77 and 100
CONFLICTED = (5, 5, 5, 5, 5, 5, 5)  # total 35


@pytest.fixture
def plan_with_a_conflicted_review(db):
    call = CallFactory()
    rubric = make_rubric(call)
    experts = [ExpertFactory(full_name=name) for name in ("김하나", "이두리", "박세찌")]
    panel = make_panel(call, members=experts)
    plan = reviewable_plan(call)
    assignments = [assign(panel, plan, expert) for expert in experts]
    for assignment, points in zip(assignments, [*CLEAN, CONFLICTED], strict=True):
        submitted_review(assignment, points)
    # Found conflicted after submitting: staff pin the conflict.
    Conflict.objects.create(application=plan, user=experts[2], source=Conflict.Source.PINNED, reason="친족")
    return {"call": call, "rubric": rubric, "panel": panel, "plan": plan, "assignments": assignments}


def test_the_counted_reviews_leave_the_conflicted_one_out(plan_with_a_conflicted_review):
    s = plan_with_a_conflicted_review
    counted = counted_reviews(call_id=s["call"].pk, stage=s["rubric"].stage)
    assert sorted(r.assignment.reviewer.full_name for r in counted) == ["김하나", "이두리"]


@pytest.mark.parametrize("source", list(Conflict.Source.values))
def test_any_source_of_conflict_takes_the_review_out(plan_with_a_conflicted_review, source):
    s = plan_with_a_conflicted_review
    first = s["assignments"][0]
    Conflict.objects.create(application=s["plan"], user=first.reviewer, source=source)
    counted = counted_reviews(call_id=s["call"].pk, stage=s["rubric"].stage)
    assert sorted(r.assignment.reviewer.full_name for r in counted) == ["이두리"]


def test_a_conflict_with_another_plan_does_not_take_the_review_out(plan_with_a_conflicted_review):
    s = plan_with_a_conflicted_review
    other = reviewable_plan(s["call"])
    Conflict.objects.create(application=other, user=s["assignments"][0].reviewer, source=Conflict.Source.PINNED)
    assert counted_reviews(call_id=s["call"].pk, stage=s["rubric"].stage).count() == 2


def test_drafts_other_stages_and_other_calls_do_not_count(plan_with_a_conflicted_review):
    s = plan_with_a_conflicted_review
    Review.objects.filter(assignment=s["assignments"][1]).update(status=Review.Status.DRAFT)
    assert counted_reviews(call_id=s["call"].pk, stage=s["rubric"].stage).count() == 1
    assert counted_reviews(call_id=s["call"].pk, stage="subcommittee").count() == 0
    assert counted_reviews(call_id=CallFactory().pk, stage=s["rubric"].stage).count() == 0


def test_chart_mean_ranking_averages_and_summary_agree(plan_with_a_conflicted_review):
    s = plan_with_a_conflicted_review
    rubric, plan = s["rubric"], s["plan"]
    row = ranking(rubric).get()
    assert row.review_count == 2
    assert row.score_mean == pytest.approx(88.5)
    assert (row.score_min, row.score_max, row.spread) == (pytest.approx(77), pytest.approx(100), pytest.approx(23))
    # The score chart's dots are the very totals the mean is taken of (it used to draw the conflicted 35 too).
    totals = submitted_totals(rubric)[plan.pk]
    assert totals == [77.0, 100.0]
    assert sum(totals) / len(totals) == pytest.approx(row.score_mean)
    first_criterion = rubric.criteria.order_by("position").first()
    assert criterion_averages(rubric)[plan.pk][first_criterion.pk] == pytest.approx(22.5)
    summary = stage_summary(Application.objects.get(pk=plan.pk))["advisory"]
    assert (summary["reviews"], summary["mean"]) == (2, 88.5)
    assert summary["criteria"][0]["mean"] == 22.5


def test_the_export_agrees_with_the_ranking(plan_with_a_conflicted_review):
    s = plan_with_a_conflicted_review
    assert {score.review.assignment.reviewer.full_name for score in score_sheet_rows(s["panel"])} == {
        "김하나",
        "이두리",
    }
    staff = UserFactory(roles=[roles.MINISTRY_STAFF])
    with translation.override("en"):
        job = export_jobs.start(staff, SCORE_SHEET, {"panel": s["panel"].pk}, filename="s.xlsx", at=timezone.now())
    assert export_jobs.build(job.pk) == "ready"
    job.refresh_from_db()
    workbook = openpyxl.load_workbook(job.file.open("rb"))
    summary = list(workbook["Summary"].iter_rows(values_only=True))
    assert summary[1][4] == 2 and summary[1][5] == pytest.approx(88.5)
    scores = list(workbook["Scores"].iter_rows(values_only=True))[1:]
    assert {row[2] for row in scores} == {"김하나", "이두리"}
    assert sorted({row[7] for row in scores}) == [77, 100]


def test_an_open_assignment_of_a_conflicted_evaluator_is_not_awaited(plan_with_a_conflicted_review):
    s = plan_with_a_conflicted_review
    waiting = ExpertFactory()
    s["panel"].members.add(waiting)
    open_one = assign(s["panel"], s["plan"], waiting)
    assert list(open_advisory_assignments(s["plan"])) == [open_one]
    Conflict.objects.create(application=s["plan"], user=waiting, source=Conflict.Source.DETECTED)
    assert list(open_advisory_assignments(s["plan"])) == []


def test_conflicted_marks_exactly_the_rows_with_a_conflict(plan_with_a_conflicted_review):
    s = plan_with_a_conflicted_review
    declared = ExpertFactory()
    declared_one = assign(s["panel"], s["plan"], declared, Assignment.Declaration.CONFLICT)
    marked = Assignment.objects.filter(panel=s["panel"]).filter(conflicted()).order_by("pk")
    assert list(marked.values_list("pk", flat=True)) == [s["assignments"][2].pk, declared_one.pk]
    reviews = Review.objects.filter(assignment__panel=s["panel"]).filter(conflicted("assignment__"))
    assert list(reviews.values_list("assignment", flat=True)) == [s["assignments"][2].pk]
