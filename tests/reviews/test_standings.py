"""The stored ranking summary (reviews.standings) against the live aggregation (reviews.selectors), after each
kind of change a service makes to what it depends on (issue 12); its rebuild; the pages reading it.

Every operation of the table goes through the service a user's action calls. After each, every rubric's stored
ranking (figures, derived figures, rank, totals, criterion means) must equal the live one: a service that forgot
to refresh the summary leaves a difference here (each operation changes a figure; `test_each_operation_changes_
what_the_ranking_shows` checks that, so no row of the table compares two unchanged states).
"""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import Application
from applications.workflow import State
from reviews import selectors, services, standings
from reviews.models import Assignment, Conflict, Criterion, ExpertProfile, RankingSummary, Rubric, Stage
from reviews.staff_selectors import submitted_totals
from tests import services as test_services
from tests.factories import (
    REVIEW_DUE,
    CallFactory,
    ExpertFactory,
    FieldFactory,
    make_panel,
    make_rubric,
    reviewable_plan,
)

pytestmark = pytest.mark.django_db

DURING = REVIEW_DUE - datetime.timedelta(days=5)
LIVE = ("review_count", "score_mean", "score_median", "score_stddev", "trimmed_mean", "spread", "ranking_score")


def _review(assignment, fraction):
    """Declare no conflict (if pending), score every criterion at `fraction` of its maximum, submit."""
    reviewer = assignment.reviewer
    if assignment.declaration == Assignment.Declaration.PENDING:
        assignment = services.declare(reviewer, assignment, conflict=False, pledge=True, at=DURING)
    criteria = Criterion.objects.filter(rubric__call=assignment.panel.call, rubric__stage=assignment.panel.stage)
    scores = {c.pk: (c.max_points * Decimal(fraction), "의견") for c in criteria}
    services.save_review(reviewer, assignment, scores=scores, opinion="종합 의견", at=DURING)
    return services.submit_review(reviewer, assignment, at=DURING)


@pytest.fixture
def world(db, ministry_staff):
    """Plans A and B with submitted advisory reviews (made through the services), plan C assigned only, plan D
    not at all, a subcommittee panel; e3's review of A is scored but not submitted."""
    call = CallFactory(fields=[FieldFactory(code="BAT")])
    rubric = make_rubric(call, trim_min_reviews=3)
    make_rubric(call, stage=Stage.SUBCOMMITTEE)
    experts = ExpertFactory.create_batch(5)
    panel = make_panel(call, members=experts, created_by=ministry_staff)
    plans = {name: reviewable_plan(call) for name in "ABCD"}
    staff = ministry_staff
    assigned = {}
    for name, people in (("A", experts[:4]), ("B", experts[:3]), ("C", experts[4:5])):
        for expert in people:
            assigned[(name, experts.index(expert))] = services.assign(staff, panel, plans[name], expert, at=DURING)
    for (name, index), fraction in {
        ("A", 0): "0.9",
        ("A", 1): "0.5",
        ("A", 2): "0.8",
        ("B", 0): "0.6",
        ("B", 1): "0.8",
        ("B", 2): "0.7",
    }.items():
        _review(assigned[(name, index)], fraction)
    third = services.declare(experts[3], assigned[("A", 3)], conflict=False, pledge=True, at=DURING)
    criteria = Criterion.objects.filter(rubric=rubric)
    services.save_review(
        experts[3], third, scores={c.pk: (c.max_points, "의견") for c in criteria}, opinion="의견", at=DURING
    )
    return {
        "call": call,
        "rubric": rubric,
        "experts": experts,
        "panel": panel,
        "plans": plans,
        "staff": staff,
        "assigned": assigned,
    }


def _stored(rubric):
    return {
        row["application_id"]: row
        for row in standings.ranking(rubric).values("application_id", "rank", "totals", "criterion_means", *LIVE)
    }


def _live(rubric):
    return {row["pk"]: row for row in selectors.ranking(rubric).values("pk", "rank", *LIVE)}


def assert_consistent(call):
    """Every rubric of the call: the stored ranking is the live one, row for row."""
    for rubric in Rubric.objects.filter(call=call):
        stored, live = _stored(rubric), _live(rubric)
        assert set(stored) == set(live), rubric.stage
        totals = submitted_totals(rubric)
        means = selectors.criterion_averages(rubric)
        for pk, row in live.items():
            mine = stored[pk]
            for name in LIVE:
                assert mine[name] == pytest.approx(row[name]), (rubric.stage, pk, name)
            assert mine["rank"] == row["rank"]
            assert mine["totals"] == pytest.approx(totals.get(pk, []))
            assert {int(k): v for k, v in mine["criterion_means"].items()} == pytest.approx(means.get(pk, {}))


def _submit(w):
    assignment = Assignment.objects.get(pk=w["assigned"][("A", 3)].pk)
    services.submit_review(w["experts"][3], assignment, at=DURING)


def _reopen(w):
    review = w["assigned"][("A", 0)].review
    services.reopen_review(
        w["staff"], review, until=REVIEW_DUE + datetime.timedelta(days=3), reason="재검토", at=DURING
    )


def _pin(w):
    services.pin_conflict(w["staff"], w["plans"]["A"], w["experts"][1], "친족 관계")


def _declare(w):
    """e0 sits on the subcommittee too and declares a conflict there: their advisory review of A stops counting."""
    plan = w["plans"]["A"]
    Application.objects.filter(pk=plan.pk).update(status=State.SUBCOMMITTEE)  # setup: the plan moved on
    plan.refresh_from_db()
    subcommittee = make_panel(w["call"], stage=Stage.SUBCOMMITTEE, members=[w["experts"][0]], created_by=w["staff"])
    assignment = services.assign(w["staff"], subcommittee, plan, w["experts"][0], at=DURING)
    services.declare(w["experts"][0], assignment, conflict=True, reason="전 소속 기관", at=DURING)


def _affiliate(w, index, plan):
    ExpertProfile.objects.filter(user=w["experts"][index]).update(affiliation=plan.organization)


def _detect(w):
    """e2 now works for B's lead organisation; saving the panel's members detects it."""
    _affiliate(w, 2, w["plans"]["B"])
    services.set_panel_members(w["staff"], w["panel"], w["experts"])


def _detect_on_assigning(w):
    """Assigning e1 to B again detects the conflict (and is refused): the detection stays recorded."""
    _affiliate(w, 1, w["plans"]["B"])
    with pytest.raises(services.ReviewRefused):
        services.assign(w["staff"], w["panel"], w["plans"]["B"], w["experts"][1], at=DURING)
    assert Conflict.objects.filter(application=w["plans"]["B"], user=w["experts"][1]).exists()


def _bulk_assign(w):
    services.bulk_assign(w["staff"], w["panel"], [(w["plans"]["D"], w["experts"][4])], at=DURING)


def _unassign(w):
    services.unassign(w["staff"], w["assigned"][("C", 4)])


def _rubric_settings(w):
    """The ranking rule is read from the rubric, not stored (staff change it in the admin; A's mean differs from
    its trimmed mean)."""
    Rubric.objects.filter(pk=w["rubric"].pk).update(ranking_rule=Rubric.RankingRule.MEAN)


OPERATIONS = {
    "submit a review": _submit,
    "reopen a review": _reopen,
    "pin a conflict": _pin,
    "declare a conflict (at another stage)": _declare,
    "detect a conflict (panel members saved)": _detect,
    "detect a conflict (assigning, refused)": _detect_on_assigning,
    "assign a plan's first evaluator": _bulk_assign,
    "unassign a plan's last evaluator": _unassign,
    "change the rubric's ranking settings": _rubric_settings,
}


def test_the_stored_summary_starts_as_the_live_aggregation(world):
    assert_consistent(world["call"])
    assert RankingSummary.objects.filter(stage=Stage.ADVISORY).count() == 3  # A, B, C (D has no assignment)


@pytest.mark.parametrize("name", list(OPERATIONS))
def test_each_operation_keeps_the_summary_equal_to_the_live_aggregation(world, name):
    OPERATIONS[name](world)
    assert_consistent(world["call"])


@pytest.mark.parametrize("name", list(OPERATIONS))
def test_each_operation_changes_what_the_ranking_shows(world, name):
    """Each row of the table is a change the summary must follow (not a no-op the check could not catch)."""
    before = {rubric.stage: _live(rubric) for rubric in Rubric.objects.filter(call=world["call"])}
    OPERATIONS[name](world)
    after = {rubric.stage: _live(rubric) for rubric in Rubric.objects.filter(call=world["call"])}
    assert before != after


def test_the_operations_one_after_another_keep_it_equal(world):
    for operation in OPERATIONS.values():
        operation(world)
        assert_consistent(world["call"])


def test_the_rebuild_command_repairs_rows_written_or_lost_outside_the_services(world):
    plans = world["plans"]
    RankingSummary.objects.filter(application=plans["A"]).update(review_count=0, score_mean=None, totals=[])
    RankingSummary.objects.filter(application=plans["B"]).delete()
    Conflict.objects.create(application=plans["B"], user=world["experts"][0], source=Conflict.Source.PINNED)
    assert _stored(world["rubric"]) != _live(world["rubric"])
    call_command("rebuild_ranking_summaries", "--call", world["call"].slug, stdout=open("/dev/null", "w"))
    assert_consistent(world["call"])
    other = CallFactory()
    call_command("rebuild_ranking_summaries", stdout=open("/dev/null", "w"))  # every call, one without reviews
    assert not RankingSummary.objects.filter(application__call=other).exists()
    assert_consistent(world["call"])


def test_the_rebuild_of_a_call_leaves_other_calls_alone(world):
    row = RankingSummary.objects.get(application=world["plans"]["A"], stage=Stage.ADVISORY)
    RankingSummary.objects.filter(pk=row.pk).update(review_count=99)
    standings.rebuild(CallFactory())
    assert RankingSummary.objects.get(pk=row.pk).review_count == 99


def test_the_summary_leaves_out_a_conflicted_review_as_the_one_rule_says(world):
    """The rule has one owner (aggregates.counted_reviews); the stored count follows it, not a copy."""
    _pin(world)
    row = RankingSummary.objects.get(application=world["plans"]["A"], stage=Stage.ADVISORY)
    assert row.review_count == 2  # e0 and e2; e1 is conflicted, e3 not submitted
    assert row.totals == [80.0, 90.0]


def test_the_pages_read_the_summary_not_the_scores(client, world):
    """The ranking and the dashboard read the stored rows: no query of theirs reads a score (the dashboard's
    progress table counts submitted reviews per plan of its page; the call ranking reads no review at all)."""
    from tests.fixtures import pass_second_factor

    client.force_login(world["staff"])
    pass_second_factor(client, world["staff"])
    for url, reads_reviews in (
        (reverse("reviews:staff_ranking", args=[world["call"].slug, "advisory"]), False),
        (reverse("reviews:staff_dashboard", args=[world["panel"].pk]), True),
    ):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        sql = " ".join(q["sql"] for q in captured.captured_queries)
        assert '"reviews_score"' not in sql, url
        assert ('"reviews_review"' in sql) == reads_reviews, url
        assert '"reviews_rankingsummary"' in sql


def test_a_refresh_locks_its_plans_before_reading_their_reviews(world):
    """Two transactions changing one plan's reviews at once (two evaluators submitting) must not each write a
    summary computed without the other's review: the plan's row is locked first, so the later one waits and
    reads the earlier one's committed review."""
    test_services.need_postgresql("row locks")
    with CaptureQueriesContext(connection) as captured:
        standings.refresh([world["plans"]["A"].pk])
    first = next(q["sql"] for q in captured.captured_queries if not q["sql"].startswith("SAVEPOINT"))
    assert '"applications_application"' in first and "FOR UPDATE" in first


def test_a_refresh_reads_the_reviews_of_its_plans_only(world):
    """Each submitted review refreshes its plan: the figures it reads must be that plan's, not the whole call's
    (at 2,000 plans x 7 reviews a refresh reading the call's scores would read 98,000 to store one row). Every
    statement reading reviews is limited to the refreshed plan."""
    plan = world["plans"]["A"]
    with CaptureQueriesContext(connection) as captured:
        standings.refresh([plan.pk])
    reads = [
        q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT") and '"reviews_review"' in q["sql"]
    ]
    assert len(reads) >= 3  # the figures, the totals, the criterion means (of each stage with assignments)
    for sql in reads:
        assert f"IN ({plan.pk})" in sql, sql


def test_a_panel_deleted_or_moved_in_the_admin_moves_its_plans_in_the_stored_ranking(world, rf):
    from django.contrib import admin

    from reviews.admin import PanelAdmin
    from reviews.models import Panel

    robots = FieldFactory(code="ROB", name_ko="로봇", name_en="Robots")
    world["call"].fields.add(robots)
    plan = reviewable_plan(world["call"], field=robots)
    panel = make_panel(world["call"], field=robots, members=[world["experts"][0]], created_by=world["staff"])
    services.assign(world["staff"], panel, plan, world["experts"][0], at=DURING)
    assert RankingSummary.objects.filter(application=plan, stage=Stage.ADVISORY).exists()
    request = rf.post("/")
    request.user = world["staff"]
    model_admin = PanelAdmin(Panel, admin.site)
    panel.stage = Stage.SUBCOMMITTEE
    model_admin.save_model(request, panel, None, change=True)
    assert list(RankingSummary.objects.filter(application=plan).values_list("stage", flat=True)) == [Stage.SUBCOMMITTEE]
    assert_consistent(world["call"])
    model_admin.delete_model(request, Panel.objects.get(pk=panel.pk))
    assert not RankingSummary.objects.filter(application=plan).exists()
    assert_consistent(world["call"])


def test_the_rebuild_counts_the_rows_it_writes(world):
    """What rebuild_ranking_summaries reports: A, B and C at the advisory stage (D has no assignment, the
    subcommittee no panel); a call without assignments writes none."""
    assert standings.rebuild(world["call"]) == 3
    assert standings.rebuild(CallFactory()) == 0
    assert standings.rebuild() == 3  # every call


def test_a_rebuild_locks_the_call_s_plans_before_reading_their_reviews(world):
    """As a refresh does (issue 12): a review submitted during a rebuild waits, and is not overwritten by
    figures read before it."""
    test_services.need_postgresql("row locks")
    with CaptureQueriesContext(connection) as captured:
        standings.rebuild(world["call"])
    first = next(q["sql"] for q in captured.captured_queries if not q["sql"].startswith("SAVEPOINT"))
    assert first == (  # in a fixed order, as a refresh takes them
        'SELECT "applications_application"."id" AS "pk" FROM "applications_application" '
        f'WHERE "applications_application"."call_id" = {world["call"].pk} ORDER BY 1 ASC FOR UPDATE'
    )


# --- reading the stored ranking (issue 11: standings.ranking, scores_by_field, RankedRows asked directly) --------


@pytest.fixture
def wider(world):
    """The world, plus a plan R of a second field (one counted review, scored lowest), a plan of another call
    (assigned, so it has a row) and A assigned at the subcommittee stage (a row of that stage)."""
    call, staff, experts, plans = world["call"], world["staff"], world["experts"], world["plans"]
    robots = FieldFactory(code="ROB", name_ko="로봇", name_en="Robots")
    call.fields.add(robots)
    plans["R"] = reviewable_plan(call, field=robots)
    robot_panel = make_panel(call, field=robots, members=[experts[0]], created_by=staff)
    _review(services.assign(staff, robot_panel, plans["R"], experts[0], at=DURING), "0.2")
    other_call = CallFactory(fields=[FieldFactory(code="OTH")])
    make_rubric(other_call)
    other = reviewable_plan(other_call)
    services.assign(staff, make_panel(other_call, members=[experts[1]], created_by=staff), other, experts[1], at=DURING)
    Application.objects.filter(pk=plans["A"].pk).update(status=State.SUBCOMMITTEE)  # setup: A moved on
    plans["A"].refresh_from_db()
    subcommittee = make_panel(call, stage=Stage.SUBCOMMITTEE, members=[experts[4]], created_by=staff)
    services.assign(staff, subcommittee, plans["A"], experts[4], at=DURING)
    return {**world, "robots": robots, "other": other}


def test_the_ranking_is_of_the_rubric_s_call_and_stage_ranked_within_each_field(wider):
    plans, rubric = wider["plans"], wider["rubric"]
    ranked = {row.application_id: row for row in standings.ranking(rubric)}
    assert set(ranked) == {plans[name].pk for name in "ABCR"}  # not the other call's plan, not a subcommittee row
    assert {ranked[plans[name].pk].stage for name in "ABCR"} == {Stage.ADVISORY}
    assert ranked[plans["R"].pk].rank == 1  # the lowest score, first of its own field
    assert sorted(ranked[plans[name].pk].rank for name in "ABC") == [1, 2, 3]
    assert ranked[plans["C"].pk].rank == 3  # no counted review: after every scored plan
    robots_only = list(standings.ranking(rubric, wider["robots"]))
    assert [(row.application_id, row.rank) for row in robots_only] == [(plans["R"].pk, 1)]
    assert_consistent(wider["call"])


def test_the_scores_per_field_are_the_stored_ranking_scores_of_the_call_and_stage(wider):
    plans, rubric, robots = wider["plans"], wider["rubric"], wider["robots"]
    stored = {row.application_id: row.ranking_score for row in standings.ranking(rubric)}
    battery = plans["A"].field_id

    def ordered(values):
        return sorted(values, key=lambda v: (v is None, v))

    scores = standings.scores_by_field(rubric)
    assert set(scores) == {battery, robots.pk}
    assert ordered(scores[battery]) == ordered(stored[plans[name].pk] for name in "ABC")
    assert scores[robots.pk] == [stored[plans["R"].pk]] and stored[plans["R"].pk] is not None
    assert standings.scores_by_field(rubric, robots) == {robots.pk: [stored[plans["R"].pk]]}


def test_ranked_rows_break_ties_of_the_asked_order_by_rank(wider):
    """The ranking page's default order is by field only ("rank": field, then the rank): within a field the plans
    come in rank order. B is made the best scored, so the rank order (B, A, C) is not the plans' creation order.
    (Without RANK_ORDER after the asked order this still passes here: PostgreSQL hands the window's rank-sorted
    rows to the final sort, which keeps an already sorted input; the tie across fields below catches it.)"""
    plans, rubric = wider["plans"], wider["rubric"]
    for name, score in (("B", 99), ("A", 1)):  # every figure a ranking rule may rank by
        RankingSummary.objects.filter(application=plans[name], stage=Stage.ADVISORY).update(
            score_mean=score, score_median=score, score_max=score, score_min=score, score_sum=F("review_count") * score
        )
    rows = standings.RankedRows(rubric, None, ("application__field__sort_order", "application__field_id"), 4)[0:4]
    battery = [plan for plan in rows if plan.field_id == plans["A"].field_id]
    assert [(plan.pk, plan.rank) for plan in battery] == [
        (plans[name].pk, rank) for name, rank in zip("BAC", (1, 2, 3))
    ]


def test_ranked_rows_break_a_tie_across_fields_by_rank_order_not_by_field(wider):
    """Sorted by score, B (batteries) and R (another field) tie: the tie goes by RANK_ORDER (score, then receipt
    number), so R, whose receipt number sorts first, comes first. The window function hands the final sort its
    rows grouped by field (batteries first), so a sort by the asked order alone would keep B before R."""
    plans, rubric = wider["plans"], wider["rubric"]
    for name in ("B", "R"):  # every figure a ranking rule may rank by, equal
        RankingSummary.objects.filter(application=plans[name], stage=Stage.ADVISORY).update(
            review_count=3, score_mean=99, score_median=99, score_max=99, score_min=99, score_sum=3 * 99
        )
    b_number = Application.objects.get(pk=plans["B"].pk).receipt_number
    r_number = b_number.replace("-BAT-", "-AER-")  # the same call and sequence, an aircraft-engine field code
    Application.objects.filter(pk=plans["R"].pk).update(receipt_number=r_number)
    assert r_number < b_number
    rows = standings.RankedRows(rubric, None, (F("ranking_score").desc(nulls_last=True),), 4)[0:4]
    assert rows[0].ranking_score == rows[1].ranking_score
    assert [(plan.pk, plan.rank) for plan in rows[:2]] == [(plans["R"].pk, 1), (plans["B"].pk, 1)]


def test_ranked_rows_give_each_plan_its_stored_figures_in_the_asked_order(wider, django_assert_num_queries):
    """What the ranking pages show: a slice costs two queries (ids and ranks, then the rows with their plan,
    organisation and field); each plan carries its figures, rank, totals and criterion means; an index is the
    same plan as the one-row slice."""
    plans, rubric = wider["plans"], wider["rubric"]
    stored = {row.application_id: row for row in standings.ranking(rubric)}
    by_plan = standings.RankedRows(rubric, None, ("application__receipt_number", "application_id"), 4)
    with django_assert_num_queries(2):
        page = by_plan[0:4]
        names = [(plan.organization.name_ko, plan.field.code) for plan in page]
    assert [plan.pk for plan in page] == [plans[name].pk for name in "ABCR"]  # receipt order, not the rank's
    assert names[-1][1] == "ROB"
    for plan in page:
        row = stored[plan.pk]
        for name in (*selectors.FIGURES, "trimmed_mean", "spread", "disagreement", "ranking_score", "totals", "rank"):
            assert getattr(plan, name) == getattr(row, name), name
        assert plan.criterion_means == {int(k): v for k, v in row.criterion_means.items()}
        assert plan.criterion_means or plan.pk == plans["C"].pk
    assert [plan.pk for plan in by_plan[1:3]] == [plan.pk for plan in page[1:3]]
    assert by_plan[3].pk == page[3].pk and by_plan[0].pk == page[0].pk
    assert list(by_plan)[-1].pk == page[-1].pk and len(list(by_plan)) == 4
    by_score = standings.RankedRows(rubric, None, (F("ranking_score").desc(nulls_last=True),), 4)
    assert [plan.pk for plan in by_score[2:4]] == [plans["R"].pk, plans["C"].pk]  # the lowest, then no score
    robots = standings.RankedRows(rubric, wider["robots"], (), 1)
    assert [(plan.pk, plan.rank) for plan in robots[0:1]] == [(plans["R"].pk, 1)]
