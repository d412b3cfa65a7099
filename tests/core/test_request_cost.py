"""What every page costs before its own work (issue 12): the statements a signed-in request pays are counted
exactly, so a middleware, context processor or menu entry that adds one fails here."""

import pytest
from django.urls import reverse

from accounts import roles
from tests.factories import MembershipFactory, UserFactory

# The public designations page with nothing announced: the page's own work is one query.
PAGE_QUERIES = 1


@pytest.fixture
def page():
    return reverse("committee:designations")


def _count(client, page, django_assert_num_queries, expected):
    client.get(page)  # warm: the first request of a session may write it
    with django_assert_num_queries(expected) as captured:
        response = client.get(page)
    assert response.status_code == 200
    return captured


@pytest.mark.django_db
def test_anonymous_pays_nothing_before_the_page(client, page, django_assert_num_queries):
    _count(client, page, django_assert_num_queries, PAGE_QUERIES)


@pytest.mark.django_db
def test_an_applicant_pays_the_session_and_the_user_with_roles(client, page, django_assert_num_queries):
    client.force_login(MembershipFactory().user)
    _count(client, page, django_assert_num_queries, 3 + PAGE_QUERIES)  # session, user, roles


@pytest.mark.django_db
def test_staff_pay_the_session_the_user_with_roles_and_the_second_factor(client, page, django_assert_num_queries):
    client.force_login(UserFactory(roles=[roles.MINISTRY_STAFF]))
    # session, user, roles, the verified device (django-otp checks it still exists on every request)
    _count(client, page, django_assert_num_queries, 4 + PAGE_QUERIES)
