"""The evaluator's "my evaluations" list: paginated, and its query count does not grow with assignments."""

import pytest
from django.urls import reverse

from applications.models import Application
from applications.workflow import State
from core.clock import format_kst, machine_kst
from reviews.models import Assignment, Criterion, Review
from tests.factories import (
    CallFactory,
    ExpertFactory,
    FieldFactory,
    assign,
    bulk_plans,
    make_panel,
    make_rubric,
    reviewable_plan,
    submitted_review,
)

pytestmark = pytest.mark.django_db
MAX_QUERIES = 8  # session, user, groups (role check), count, page, rubrics, and the base template's


def _assigned(n):
    call = CallFactory(fields=[FieldFactory(code="BAT")])
    make_rubric(call)
    expert = ExpertFactory()
    panel = make_panel(call, members=[expert])
    Assignment.objects.bulk_create(
        Assignment(panel=panel, application=plan, reviewer=expert, assigned_by=panel.created_by)
        for plan in bulk_plans(call, n)
    )
    return expert


@pytest.mark.parametrize("n", [1, 60])
def test_my_evaluations_queries_do_not_grow(client, django_assert_max_num_queries, n):
    client.force_login(_assigned(n))
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(reverse("reviews:mine"))
    assert len(response.context["rows"]) == min(n, 50)


def test_my_evaluations_are_paginated(client):
    client.force_login(_assigned(60))
    first = client.get(reverse("reviews:mine"))
    assert first.context["pages"]["page"].paginator.count == 60 and "?page=2" in first.content.decode()
    second = client.get(reverse("reviews:mine"), {"page": 2})
    assert len(second.context["rows"]) == 10
    shown = {row.pk for row in first.context["rows"]} | {row.pk for row in second.context["rows"]}
    assert len(shown) == 60


def test_rows_say_what_each_assignment_needs(client, django_assert_max_num_queries):
    """reviews.presenters.assignment_rows: the badge and the link of each state of an assignment (issue 12), from
    the columns the view loads (views.evaluator.LIST_FIELDS: no row reads a deferred one)."""
    call = CallFactory(fields=[FieldFactory(code="BAT")])
    rubric = make_rubric(call)
    expert = ExpertFactory()
    panel = make_panel(call, members=[expert])
    pending = assign(panel, reviewable_plan(call), expert, declaration=Assignment.Declaration.PENDING)
    closed = assign(panel, reviewable_plan(call, status=State.RECEIVED), expert, Assignment.Declaration.PENDING)
    new = assign(panel, reviewable_plan(call), expert)
    draft = assign(panel, reviewable_plan(call), expert)
    Review.objects.create(assignment=draft, version=draft.application.latest_version, overall_opinion="초안")
    done = assign(panel, reviewable_plan(call), expert)
    submitted_review(done, [10] * Criterion.objects.filter(rubric=rubric).count())
    Application.objects.filter(pk=done.application_id).update(status=State.SUBCOMMITTEE)  # moved on, still shown

    client.force_login(expert)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(reverse("reviews:mine"))
    rows = {row.pk: row for row in response.context["rows"]}
    assert {pk: rows[pk].status for pk in rows} == {
        pending.pk: "pending",
        closed.pk: "closed",
        new.pk: "new",
        draft.pk: "draft",
        done.pk: "submitted",
    }
    assert rows[pending.pk].declare_url == reverse("reviews:declare", args=[pending.pk])
    assert rows[pending.pk].open_url == ""
    assert rows[closed.pk].declare_url == rows[closed.pk].open_url == ""
    for row in (rows[new.pk], rows[draft.pk], rows[done.pk]):
        assert (row.declare_url, row.open_url) == ("", reverse("reviews:review", args=[row.pk]))
    assert rows[new.pk].due_text == format_kst(rubric.due_at)
    assert rows[new.pk].due_machine == machine_kst(rubric.due_at)
    html = response.content.decode()
    assert f'<time datetime="{machine_kst(rubric.due_at)}">{format_kst(rubric.due_at)}</time>' in html
    assert f'href="{reverse("reviews:declare", args=[pending.pk])}"' in html
    for css in ("text-bg-warning", "text-bg-light border", "text-bg-secondary", "text-bg-success"):
        assert f'<span class="badge {css}">' in html


def test_a_stage_without_rubric_shows_no_due_date(client):
    call = CallFactory(fields=[FieldFactory(code="BAT")])
    expert = ExpertFactory()
    panel = make_panel(call, members=[expert])
    assign(panel, reviewable_plan(call), expert)
    client.force_login(expert)
    (row,) = client.get(reverse("reviews:mine")).context["rows"]
    assert (row.due_text, row.due_machine) == ("", "")
