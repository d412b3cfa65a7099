"""What every page costs before its own work (issue 12): the statements a signed-in request pays are counted
exactly, so a middleware, context processor or menu entry that adds one fails here."""

import pytest
from django.db import connection
from django.urls import reverse

from accounts import roles
from tests.factories import MembershipFactory, UserFactory

# The public designations page with nothing announced: the page's own work is one query.
PAGE_QUERIES = 1
# The user with their roles: one statement on PostgreSQL (accounts.backends); elsewhere (SQLite: `make test`
# without DATABASE_URL) Django's loader and a roles query.
USER = 1 if connection.vendor == "postgresql" else 2


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
    _count(client, page, django_assert_num_queries, 1 + USER + PAGE_QUERIES)  # session, user with roles


@pytest.mark.django_db
def test_staff_pay_the_session_the_user_with_roles_and_the_second_factor(client, page, django_assert_num_queries):
    client.force_login(UserFactory(roles=[roles.MINISTRY_STAFF]))
    # session, user with roles, the verified device (django-otp checks it still exists on every request)
    _count(client, page, django_assert_num_queries, 2 + USER + PAGE_QUERIES)


@pytest.mark.django_db
def test_roles_loaded_with_the_user_are_the_current_ones(client):
    """The roles come with the user (accounts.backends): one taken away applies from the next request."""
    staff = UserFactory(roles=[roles.MINISTRY_STAFF])
    client.force_login(staff)
    staff_page = reverse("applications:staff_applications")
    assert client.get(staff_page).status_code == 200
    staff.groups.clear()
    assert client.get(staff_page).status_code in (403, 404)


@pytest.mark.django_db
def test_an_inactive_user_is_not_loaded(client):
    user = MembershipFactory().user
    client.force_login(user)
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    response = client.get(reverse("applications:mine"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
