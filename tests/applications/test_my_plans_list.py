"""The applicant's "my plans" list: paginated, and its query count does not grow with plans."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from applications.models import Call
from applications.workflow import State
from core.clock import format_kst, machine_kst
from tests.factories import CallFactory, FieldFactory, MembershipFactory, bulk_plans

pytestmark = pytest.mark.django_db
MAX_QUERIES = 6  # session, user, count, the page's plans, open calls, and one spare for the base template


def _owner_of(n):
    membership = MembershipFactory(role=Membership.Role.OWNER)
    bulk_plans(CallFactory(fields=[FieldFactory(code="BAT")]), n, organization=membership.organization)
    return membership.user


@pytest.mark.parametrize("n", [1, 60])
def test_my_plans_queries_do_not_grow(client, django_assert_max_num_queries, n):
    client.force_login(_owner_of(n))
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(reverse("applications:mine"))
    assert len(response.context["applications"]) == min(n, 50)


def test_my_plans_are_paginated(client):
    client.force_login(_owner_of(60))
    first = client.get(reverse("applications:mine"))
    assert first.context["pages"]["page"].paginator.count == 60 and "?page=2" in first.content.decode()
    second = client.get(reverse("applications:mine"), {"page": 2})
    assert len(second.context["applications"]) == 10
    assert not {a.pk for a in first.context["applications"]} & {a.pk for a in second.context["applications"]}


def test_rows_carry_their_link_time_and_the_status_the_embargo_allows(client, django_assert_max_num_queries):
    """applications.presenters.my_plan_rows (issue 12): the texts the template prints, the status as
    applications.embargo lets the applicant know it, from the columns the view loads (MY_PLANS_FIELDS)."""
    membership = MembershipFactory(role=Membership.Role.OWNER)
    call = CallFactory(fields=[FieldFactory(code="BAT")], announcement_at=None)
    plan, *_others = bulk_plans(call, 3, status=State.DESIGNATED, organization=membership.organization)
    client.force_login(membership.user)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(reverse("applications:mine"), HTTP_ACCEPT_LANGUAGE="en")
    (row,) = (row for row in response.context["applications"] if row.pk == plan.pk)
    assert row.detail_url == reverse("applications:detail", args=[plan.pk])
    assert row.updated_text == format_kst(row.updated_at)
    assert row.updated_machine == machine_kst(row.updated_at)
    assert row.status_text == "Committee deliberation"
    html = response.content.decode()
    assert f'<time datetime="{row.updated_machine}">{row.updated_text}</time>' in html
    assert "Designated" not in html[html.index("<main") :]
    Call.objects.filter(pk=call.pk).update(announcement_at=timezone.now() - datetime.timedelta(minutes=1))
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(reverse("applications:mine"), HTTP_ACCEPT_LANGUAGE="en")
    (row,) = (row for row in response.context["applications"] if row.pk == plan.pk)
    assert row.status_text == "Designated"
