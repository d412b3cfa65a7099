"""The panel dashboard and the call ranking: counts per plan, statistics, charts, anonymity, query counts."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from applications.workflow import State
from reviews import charts
from reviews.models import Assignment, Conflict
from tests import services as test_services
from tests.factories import (
    CallFactory,
    ExpertFactory,
    FieldFactory,
    assign,
    bulk_plans,
    make_panel,
    make_rubric,
    reviewable_plan,
    seed_submitted_reviews,
    submitted_review,
)

from .conftest import EN

pytestmark = pytest.mark.django_db
# session, user, groups, panel, rubric, progress (count, page), screened count, the stored ranking (field scores,
# page ids and ranks, page rows), criteria, 2 for the nav; a margin
MAX_QUERIES = 15


@pytest.fixture
def call(db):
    return CallFactory(fields=[FieldFactory(code="BAT"), FieldFactory(code="ROB", name_ko="로봇", name_en="Robots")])


@pytest.fixture
def rubric(call):
    return make_rubric(call)


def test_progress_counts_per_plan(client, staff, call, rubric):
    experts = ExpertFactory.create_batch(4)
    panel = make_panel(call, members=experts)
    plan = reviewable_plan(call)
    assign(panel, plan, experts[0], Assignment.Declaration.PENDING)
    assign(panel, plan, experts[1], Assignment.Declaration.CONFLICT)
    Conflict.objects.create(application=plan, user=experts[1], source=Conflict.Source.DECLARED, reason="전 소속")
    Conflict.objects.create(application=plan, user=experts[3], source=Conflict.Source.PINNED, reason="친족")
    submitted_review(assign(panel, plan, experts[2]), (20, 15, 10, 8, 8, 8, 8))
    client.force_login(staff)
    response = client.get(reverse("reviews:staff_dashboard", args=[panel.pk]), **EN)
    row = next(p for p in response.context["progress"] if p.pk == plan.pk)
    assert (row.assigned_count, row.declared_count, row.conflicted_count, row.submitted_count) == (3, 2, 2, 1)


def test_dashboard_shows_statistics_and_an_anonymous_chart(client, staff, call, rubric):
    experts = [ExpertFactory(full_name=f"평가위원{i}") for i in range(5)]
    panel = make_panel(call, members=experts)
    plan = reviewable_plan(call)
    seed_submitted_reviews(panel, plan, experts, [100, 65, 45, 93.5, 84])
    client.force_login(staff)
    response = client.get(reverse("reviews:staff_dashboard", args=[panel.pk]), **EN)
    page = response.content.decode()
    [row] = response.context["ranking"]
    assert row.review_count == 5 and row.rank == 1
    assert row.trimmed_mean == pytest.approx((65 + 93.5 + 84) / 3)
    assert "80.83" in page  # the trimmed mean, shown
    assert page.count("<circle cx=") == 5
    assert 'role="img"' in page and "<title id=" in page and "<desc id=" in page
    # the dashboard shows distributions, never who gave which score
    assert not any(f"평가위원{i}" in page for i in range(5))


def test_dashboard_bulk_start_moves_only_screened_plans(client, staff, call, rubric):
    panel = make_panel(call, members=[ExpertFactory()])
    screened = [reviewable_plan(call, status=State.SCREENED) for _ in range(2)]
    running = reviewable_plan(call, status=State.ADVISORY_REVIEW)
    client.force_login(staff)
    response = client.post(reverse("reviews:staff_start_all", args=[panel.pk]), follow=True, **EN)
    assert "Expert review started for 2 plans." in response.content.decode()
    for plan in [*screened, running]:
        plan.refresh_from_db()
        assert plan.status == State.ADVISORY_REVIEW


def test_ranking_page_ranks_within_each_field_and_filters_by_field(client, staff, call, rubric):
    battery, robots = call.fields.order_by("code")
    experts = ExpertFactory.create_batch(3)
    battery_panel = make_panel(call, field=battery, members=experts)
    robot_panel = make_panel(call, field=robots, members=experts)
    low, high = reviewable_plan(call, field=battery), reviewable_plan(call, field=battery)
    robot_plan = reviewable_plan(call, field=robots)
    seed_submitted_reviews(battery_panel, low, experts, [50, 55, 60])
    seed_submitted_reviews(battery_panel, high, experts, [80, 85, 90])
    seed_submitted_reviews(robot_panel, robot_plan, experts, [70, 70, 70])
    client.force_login(staff)
    url = reverse("reviews:staff_ranking", args=[call.slug, "advisory"])
    rows = client.get(url, **EN).context["rows"]
    assert {row.pk: row.rank for row in rows} == {high.pk: 1, low.pk: 2, robot_plan.pk: 1}
    by_score = client.get(url, {"sort": "score"}, **EN).context["rows"]
    assert [row.pk for row in by_score] == [high.pk, robot_plan.pk, low.pk]
    response = client.get(url, {"field": robots.pk}, **EN)
    assert [row.pk for row in response.context["rows"]] == [robot_plan.pk]
    assert [d["field"] for d in response.context["distributions"]] == [robots]


def test_ranking_page_is_paginated_with_one_chart_per_field(client, staff, call, rubric):
    _seed(call, 60)
    client.force_login(staff)
    url = reverse("reviews:staff_ranking", args=[call.slug, "advisory"])
    first = client.get(url, **EN)
    page = first.content.decode()
    assert len(first.context["rows"]) == 50 and first.context["page"].paginator.count == 60
    assert page.count("<svg") == 1  # one distribution for the one field that has plans, not one per plan
    assert [row.rank for row in first.context["rows"]] == list(range(1, 51))
    scores = [row.ranking_score for row in first.context["rows"]]
    assert scores == sorted(scores, reverse=True)
    second = client.get(url, {"page": 2}, **EN)
    assert [row.rank for row in second.context["rows"]] == list(range(51, 61))
    by_spread = client.get(url, {"sort": "spread"}, **EN).context["rows"]
    spreads = [row.spread for row in by_spread]
    assert spreads == sorted(spreads, reverse=True)


def test_ranking_page_of_an_unknown_stage_is_404(client, staff, call, rubric):
    client.force_login(staff)
    assert client.get(reverse("reviews:staff_ranking", args=[call.slug, "nonsense"])).status_code == 404


def _seed(call, n, reviews=7):
    experts = ExpertFactory.create_batch(reviews)
    panel = make_panel(call, members=experts, reviewers_per_plan=reviews)
    for index, plan in enumerate(bulk_plans(call, n)):
        seed_submitted_reviews(panel, plan, experts, [40 + (index * 7 + r * 3) % 60 for r in range(reviews)])
    return panel


@pytest.mark.parametrize("n", [1, 60])
def test_dashboard_queries_do_not_grow_with_plans(client, staff, call, rubric, django_assert_max_num_queries, n):
    panel = _seed(call, n)
    client.force_login(staff)
    url = reverse("reviews:staff_dashboard", args=[panel.pk])
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(url)
    assert len(response.context["ranking"]) == min(n, 25)
    assert len(response.context["progress"]) == min(n, 25)
    assert response.content.decode().count("<svg") == min(n, 25) + 1  # a chart per row shown, one for the field


@pytest.mark.parametrize("page", ["ranking", "dashboard"])
def test_the_ranking_pages_take_as_many_queries_for_sixty_plans_as_for_one(client, staff, call, rubric, page):
    """Exactly as many, not only under a ceiling: each reads the stored summary a fixed number of times."""
    experts = ExpertFactory.create_batch(7)
    panel = make_panel(call, members=experts, reviewers_per_plan=7)
    url = {
        "ranking": reverse("reviews:staff_ranking", args=[call.slug, "advisory"]),
        "dashboard": reverse("reviews:staff_dashboard", args=[panel.pk]),
    }[page]
    client.force_login(staff)
    counts = []
    for batch in (1, 59):
        for index, plan in enumerate(bulk_plans(call, batch)):
            seed_submitted_reviews(panel, plan, experts, [40 + (index * 7 + r * 3) % 60 for r in range(7)])
        client.get(url)  # the first request of a session does more (its caches)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_dashboard_pages_progress_and_ranking_separately(client, staff, call, rubric):
    panel = _seed(call, 60)
    client.force_login(staff)
    url = reverse("reviews:staff_dashboard", args=[panel.pk])
    response = client.get(url, {"progress": 3, "page": 1}, **EN)
    assert len(response.context["progress"]) == 10 and len(response.context["ranking"]) == 25
    assert [row.rank for row in response.context["ranking"]] == list(range(1, 26))
    page = response.content.decode()
    assert "?progress=3&amp;page=2" in page  # the ranking's next page keeps the progress table's page
    third = client.get(url, {"progress": 3, "page": 3}, **EN)
    assert [row.rank for row in third.context["ranking"]] == list(range(51, 61))


@pytest.mark.parametrize("n", [1, 60])
def test_ranking_queries_do_not_grow_with_plans(client, staff, call, rubric, django_assert_max_num_queries, n):
    _seed(call, n)
    client.force_login(staff)
    url = reverse("reviews:staff_ranking", args=[call.slug, "advisory"])
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(url)
    assert len(response.context["rows"]) == min(n, 50)


def test_the_chart_is_a_pure_accessible_svg():
    svg = str(charts.score_distribution([70, 70, 90.5], mean=76.83, trimmed_mean=70, chart_id="c1", label="분포 <x>"))
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert 'aria-labelledby="c1-title c1-desc"' in svg
    assert "분포 &lt;x&gt;" in svg  # escaped
    assert svg.count("<circle") == 3
    # equal totals are stacked, not drawn on top of each other
    cys = re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"', svg)
    assert cys[0][0] == cys[1][0] and cys[0][1] != cys[1][1]
    assert "90.5" in svg  # the values are in the description for screen readers
    empty = str(charts.score_distribution([], mean=None, trimmed_mean=None, chart_id="c2", label="x"))
    assert "<circle" not in empty and "<path" not in empty


def test_the_field_histogram_counts_plans_per_band_and_says_so_in_words():
    with translation.override("en"):
        svg = str(charts.score_histogram([72.5, 74.9, 75.0, None, 100.0, 3], chart_id="h1", label="분포 <x>"))
    assert svg.startswith("<svg") and 'role="img"' in svg and 'aria-labelledby="h1-title h1-desc"' in svg
    assert "분포 &lt;x&gt;" in svg
    assert svg.count("<rect") == 4  # 0-5, 70-75 (two plans), 75-80, 95-100 (100 is in the last band)
    desc = re.search(r"<desc[^>]*>(.*)</desc>", svg).group(1)
    assert "70–75: 2" in desc and "75–80: 1" in desc and "95–100: 1" in desc and "0–5: 1" in desc
    assert desc.endswith(": 1.")  # one plan without a score
    assert "<rect" not in str(charts.score_histogram([], chart_id="h2", label="x"))


def test_the_ranking_query_applies_the_counting_rule_once(call, rubric):
    """The conflict rule inside every aggregate pushed the ranking's cost estimate over PostgreSQL's JIT
    thresholds (10 s for 2,000 plans, issue 12): the counted reviews are joined once instead."""
    test_services.need_postgresql("the ranking's aggregate FILTER")
    from reviews.selectors import ranking

    sql = str(ranking(rubric).query)
    assert sql.count('"reviews_conflict"') == 1
    assert "FILTER" not in sql.upper()
