"""The applicant's "my plans" list: paginated, and its query count does not grow with plans."""

import pytest
from django.urls import reverse

from accounts.models import Membership
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
