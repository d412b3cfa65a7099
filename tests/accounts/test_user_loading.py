"""The signed-in user as accounts.backends loads it on every request (issue 12: one hand-written statement on
PostgreSQL instead of the ORM's annotated query): the same user, field by field, with the current roles."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.db import connection

from accounts import roles
from accounts.backends import ModelPermissionBackend
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _fields(user):
    return {field.attname: getattr(user, field.attname) for field in type(user)._meta.concrete_fields}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="elsewhere Django's own loader reads the user")
@pytest.mark.parametrize("groups", [[], [roles.MINISTRY_STAFF], [roles.MINISTRY_STAFF, roles.SECRETARIAT]])
def test_the_loaded_user_is_the_orms_field_by_field_with_its_roles(groups, django_assert_num_queries):
    user = UserFactory(roles=groups, phone="010-1234-5678")
    type(user).objects.filter(pk=user.pk).update(last_login=user.date_joined)
    with django_assert_num_queries(1):
        loaded = ModelPermissionBackend().get_user(user.pk)
    reference = ModelBackend().get_user(user.pk)
    assert _fields(loaded) == _fields(reference)
    assert loaded.last_login is not None and loaded.last_login.utcoffset() is not None  # aware, as the ORM gives
    assert loaded._role_cache == set(groups)
    assert loaded._state.adding is False and loaded._state.db == "default"  # saves as an UPDATE
    with django_assert_num_queries(0):
        assert loaded.has_role(roles.MINISTRY_STAFF) == (roles.MINISTRY_STAFF in groups)


def test_an_unknown_or_malformed_id_loads_nobody():
    user = UserFactory()
    backend = ModelPermissionBackend()
    assert backend.get_user(user.pk + 1000) is None
    assert backend.get_user("not a number") is None
    assert backend.get_user(None) is None
    assert backend.get_user(10**30) is None  # beyond the key's range: nobody, as the ORM answers, not an error
    assert backend.get_user(str(user.pk)).pk == user.pk  # the session stores the id as a string


def test_an_inactive_user_loads_as_nobody():
    user = UserFactory(is_active=False)
    assert ModelPermissionBackend().get_user(user.pk) is None


def test_a_loaded_user_saves_what_changed():
    user = UserFactory(full_name="김하나")
    loaded = ModelPermissionBackend().get_user(user.pk)
    loaded.full_name = "김두나"
    loaded.save(update_fields=["full_name"])
    user.refresh_from_db()
    assert user.full_name == "김두나"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the statement is PostgreSQL's; elsewhere the ORM loads")
def test_on_postgresql_the_statement_is_written_once():
    from accounts.backends import _user_with_roles_sql

    assert _user_with_roles_sql() is _user_with_roles_sql()
    assert "ARRAY_AGG" in _user_with_roles_sql()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PREPARE is PostgreSQL's")
def test_on_postgresql_the_statement_is_prepared_once_per_session():
    from django.test.utils import CaptureQueriesContext

    from core.compiled import readable

    user = UserFactory(roles=[roles.MINISTRY_STAFF])
    backend = ModelPermissionBackend()
    backend.get_user(user.pk)  # this session has it prepared from here on
    with CaptureQueriesContext(connection) as captured:
        assert backend.get_user(user.pk)._role_cache == {roles.MINISTRY_STAFF}
        assert backend.get_user(user.pk + 1000) is None
    assert [q["sql"].split("(")[0].rsplit("_", 2)[0] for q in captured.captured_queries] == [
        "EXECUTE compiled_query"
    ] * 2
    assert "ARRAY_AGG" in readable(captured.captured_queries[0]["sql"])
