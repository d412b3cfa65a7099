"""The session store (accounts.session_store, issue 12: Django's database sessions, the read prepared once on
PostgreSQL): it finds what Django's store finds, nothing once the session expired (to the microsecond, the time
taken at each read), nothing for an unknown or malformed key, and it leaves Django's writes as they were."""

import datetime

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.session_store import SessionStore
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
START = datetime.datetime(2026, 2, 27, 8, 0, tzinfo=datetime.UTC)


def _saved(data, *, age=60):
    store = SessionStore()
    store.update(data)
    store.set_expiry(age)
    store.save()
    return store.session_key


def test_it_reads_what_djangos_store_reads():
    key = _saved({"_auth_user_id": "7", "이름": "김하나"})
    assert SessionStore(key).load() == DjangoStore(key).load()
    assert SessionStore(key).load()["이름"] == "김하나"
    mine, django = SessionStore(key)._get_session_from_db(), DjangoStore(key)._get_session_from_db()
    assert {f.attname: getattr(mine, f.attname) for f in Session._meta.concrete_fields} == {
        f.attname: getattr(django, f.attname) for f in Session._meta.concrete_fields
    }
    assert mine._state.adding is False


def test_an_expired_session_is_gone_from_the_microsecond_of_its_expiry():
    with time_machine.travel(START, tick=False) as traveller:
        key = _saved({"a": 1}, age=60)
        expiry = Session.objects.get(session_key=key).expire_date
        traveller.move_to(expiry - datetime.timedelta(microseconds=1))
        assert SessionStore(key).load()["a"] == 1  # the time is read at each load, never kept
        traveller.move_to(expiry)
        store = SessionStore(key)
        assert store.load() == {} == DjangoStore(key).load()
        assert store.session_key is None  # as Django's store: the next save makes a new session


@pytest.mark.parametrize("key", ["nosuchsessionkey000000000000000", "", None, "short", "' OR '1'='1", "x" * 500])
def test_an_unknown_or_malformed_key_reads_nothing(key):
    _saved({"a": 1})
    assert SessionStore(key).load() == {}
    assert SessionStore(key).load() == DjangoStore(key).load()


def test_a_signed_in_browser_keeps_its_session_and_a_logout_ends_it(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("core:dashboard")).status_code == 200
    key = client.cookies["sessionid"].value
    assert SessionStore(key).load()["_auth_user_id"] == str(user.pk)
    client.post(reverse("accounts:logout"))
    assert SessionStore(key).load() == {}
    assert client.get(reverse("core:dashboard")).status_code == 302


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PREPARE is PostgreSQL's; elsewhere Django's read")
def test_on_postgresql_the_read_is_one_prepared_statement():
    key = _saved({"a": 1})
    SessionStore(key).load()
    with CaptureQueriesContext(connection) as captured:
        assert SessionStore(key).load()["a"] == 1
    (statement,) = [q["sql"] for q in captured.captured_queries]
    assert statement.startswith("EXECUTE compiled_query_")
