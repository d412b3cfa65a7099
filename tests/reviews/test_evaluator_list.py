"""The evaluator's "my evaluations" list: paginated, and its query count does not grow with assignments."""

import pytest
from django.urls import reverse

from reviews.models import Assignment
from tests.factories import CallFactory, ExpertFactory, FieldFactory, bulk_plans, make_panel, make_rubric

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
    shown = {row[0].pk for row in first.context["rows"]} | {row[0].pk for row in second.context["rows"]}
    assert len(shown) == 60
