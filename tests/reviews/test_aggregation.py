"""The database aggregation (with_review_summary / ranking) against a plain-Python reference (statistics)."""

import statistics
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from applications.models import Application
from reviews.models import Assignment, Review, Rubric, Score
from reviews.selectors import ranking, with_review_summary
from tests.factories import CallFactory, ExpertFactory, make_panel, make_rubric, reviewable_plan, seed_submitted_reviews

pytestmark = pytest.mark.django_db

TOTALS = st.lists(st.integers(min_value=0, max_value=200).map(lambda half: half / 2), min_size=1, max_size=9)
RULES = st.sampled_from(list(Rubric.RankingRule.values))


def reference(totals, *, trim_min, threshold, rule):
    """What the statistics should be, by the book: drop highest and lowest once count >= trim_min."""
    count = len(totals)
    mean = statistics.fmean(totals)
    median = statistics.median(totals)
    trimmed = statistics.fmean(sorted(totals)[1:-1]) if count >= trim_min else mean
    return {
        "count": count,
        "mean": mean,
        "median": median,
        "trimmed": trimmed,
        "stddev": statistics.pstdev(totals),
        "disagreement": max(totals) - min(totals) > threshold,
        "score": {"trimmed_mean": trimmed, "mean": mean, "median": median}[rule],
    }


@pytest.fixture
def setting():
    call = CallFactory()
    rubric = make_rubric(call)
    experts = ExpertFactory.create_batch(9)
    panel = make_panel(call, members=experts)
    plan = reviewable_plan(call)
    return rubric, panel, plan, experts


def clear_panel(panel):
    """Between examples: reviews and scores are protected from cascades, so they go first, explicitly."""
    Score.objects.filter(review__assignment__panel=panel).delete()
    Review.objects.filter(assignment__panel=panel).delete()
    Assignment.objects.filter(panel=panel).delete()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    totals=TOTALS,
    trim_min=st.integers(min_value=3, max_value=7),
    threshold=st.integers(min_value=0, max_value=60),
    rule=RULES,
)
def test_summary_matches_the_reference(setting, totals, trim_min, threshold, rule):
    rubric, panel, plan, experts = setting
    clear_panel(panel)
    Rubric.objects.filter(pk=rubric.pk).update(
        trim_min_reviews=trim_min, disagreement_threshold=Decimal(threshold), ranking_rule=rule
    )
    rubric.refresh_from_db()
    seed_submitted_reviews(panel, plan, experts, totals)

    row = with_review_summary(Application.objects.filter(pk=plan.pk), rubric).get()
    expected = reference(totals, trim_min=trim_min, threshold=threshold, rule=rule)
    assert row.review_count == expected["count"]
    assert row.score_mean == pytest.approx(expected["mean"])
    assert row.score_median == pytest.approx(expected["median"])
    assert row.trimmed_mean == pytest.approx(expected["trimmed"])
    assert row.score_stddev == pytest.approx(expected["stddev"], abs=1e-6)
    assert row.disagreement is expected["disagreement"]
    assert row.ranking_score == pytest.approx(expected["score"])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plans_totals=st.lists(TOTALS, min_size=2, max_size=4), rule=RULES)
def test_ranking_orders_plans_by_the_reference_score(setting, plans_totals, rule):
    rubric, panel, first_plan, experts = setting
    clear_panel(panel)
    Rubric.objects.filter(pk=rubric.pk).update(ranking_rule=rule)
    rubric.refresh_from_db()
    plans = [first_plan] + [
        plan for plan in Application.objects.filter(call=rubric.call).exclude(pk=first_plan.pk).order_by("pk")
    ]
    while len(plans) < len(plans_totals):
        plans.append(reviewable_plan(rubric.call))
    expected = {}
    for plan, totals in zip(plans, plans_totals, strict=False):
        seed_submitted_reviews(panel, plan, experts, totals)
        expected[plan.pk] = reference(
            totals, trim_min=rubric.trim_min_reviews, threshold=float(rubric.disagreement_threshold), rule=rule
        )["score"]

    rows = list(ranking(rubric))
    assert [row.pk for row in rows] == [
        pk for pk, _score in sorted(expected.items(), key=lambda item: (-round(item[1], 9), rows_index(rows, item[0])))
    ]
    for row in rows:
        assert row.ranking_score == pytest.approx(expected[row.pk])


def rows_index(rows, pk):
    """Ties are ordered by receipt number and pk, which the database does; keep its order among equals."""
    return [row.pk for row in rows].index(pk)


def test_reviews_of_another_stage_or_call_are_not_counted(setting):
    rubric, panel, plan, experts = setting
    seed_submitted_reviews(panel, plan, experts[:3], [80, 70, 60])
    other_call = CallFactory(fields=[plan.field])
    make_rubric(other_call)
    # Submitted reviews of the same stage in the other call (before, the test created none there).
    other_panel = make_panel(other_call, members=experts[6:9])
    seed_submitted_reviews(other_panel, plan, experts[6:9], [0, 0, 0])
    sub_rubric = make_rubric(rubric.call, stage="subcommittee")
    sub_panel = make_panel(rubric.call, stage="subcommittee", members=experts[3:6])
    seed_submitted_reviews(sub_panel, plan, experts[3:6], [10, 10, 10])

    advisory = with_review_summary(Application.objects.filter(pk=plan.pk), rubric).get()
    subcommittee = with_review_summary(Application.objects.filter(pk=plan.pk), sub_rubric).get()
    assert (advisory.review_count, advisory.score_mean) == (3, pytest.approx(70))
    assert (subcommittee.review_count, subcommittee.score_mean) == (3, pytest.approx(10))
