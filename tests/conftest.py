import importlib
import json
import os
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.core.cache import cache

from config.celery import app as celery_app
from tests import services

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses that unless told.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ["tests.fixtures"]

# Before anything publishes or purges: Celery builds its queues (and its router) from this once, on first use.
celery_app.conf.task_default_queue = services.task_queue()


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.LANGUAGE_CODE = "ko"
    # Tests move the clock by days while signed in; the idle sign-out is tested on its own (accounts/test_sessions).
    settings.PORTAL_IDLE_TIMEOUT_STAFF = settings.PORTAL_IDLE_TIMEOUT_APPLICANT = 0
    # Tasks run in-process unless a test asks for the real worker (fixture `celery_worker`).
    celery_app.conf.task_always_eager = True
    from core import queueing

    queueing.reset()  # a broker failure one test provoked must not hold back the next test's publishing
    cache.clear()  # rate-limit counters one test ran up must not refuse the next test's requests


def transactional(item) -> bool:
    """Whether the test runs outside a rolled-back transaction (its database is flushed afterwards)."""
    marker = item.get_closest_marker("django_db")
    flagged = marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    return bool(flagged) or "transactional_db" in item.fixturenames or "live_server" in item.fixturenames


# The longest files, longest first (`--durations` of a full run): under `make test`'s two processes
# (`--dist loadfile --no-loadscope-reorder`) files are handed out in collection order, so these start at once and
# the short files fill the other process; last, one process ran the crawler alone for ten minutes.
LONGEST_FIRST = [
    "tests/e2e/test_every_page.py",
    "tests/core/test_configuration.py",
    "tests/reviews/test_staff_browser.py",
    "tests/e2e/test_review_flow.py",
    "tests/e2e/test_process_steps.py",
    "tests/security/test_url_matrix.py",
    "tests/reviews/test_standings.py",
    "tests/applications/test_demo.py",
    "tests/applications/test_staff.py",
    "tests/e2e/test_committee_flow.py",
    "tests/e2e/test_applicant_path.py",
]
DRIVES_PROCESSES = ("browser", "worker", "faults")


def file_rank(item) -> int:
    path = item.nodeid.split("::", 1)[0]
    if path in LONGEST_FIRST:
        return LONGEST_FIRST.index(path)
    if any(item.get_closest_marker(name) for name in DRIVES_PROCESSES):
        return len(LONGEST_FIRST)  # Chromium, a Celery worker, nginx: seconds each
    return len(LONGEST_FIRST) + 1


def _longest_files_first(items) -> None:
    ranks: dict[str, int] = {}
    for item in items:
        path = item.nodeid.split("::", 1)[0]
        ranks[path] = min(ranks.get(path, len(LONGEST_FIRST) + 1), file_rank(item))
    items.sort(key=lambda item: ranks[item.nodeid.split("::", 1)[0]])  # stable: a file's own order is kept


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Under pytest-xdist (`make test`), the longest files first (LONGEST_FIRST).

    Under mutation testing (`make mutate`) the tests of one mutant stop at the first failure: run the fastest
    first (their times from mutmut's stats run), keeping transactional tests after the others as pytest-django
    orders them. Ordinary runs are left alone."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        _longest_files_first(items)
        return
    if "__mutmut_" not in os.environ.get("MUTANT_UNDER_TEST", "") or not Path("mutmut-stats.json").exists():
        return
    durations = json.loads(Path("mutmut-stats.json").read_text("utf-8")).get("duration_by_test", {})
    items.sort(key=lambda item: (transactional(item), durations.get(item.nodeid, 1.0)))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """A database kept with --reuse-db (the mutation runs, `make mutate`) may come from a run whose last
    transactional test flushed it: put the reference data back once per session (a no-op when it is there).

    At the end it closes this thread's connections before pytest-django drops the test databases: pytest-django
    closes the connection object it set up with, but by then `connections["default"]` here can be another object
    (Django keeps connections in context-local storage), still open on the test database, and the DROP failed
    ("being accessed by other users": a warning at the end of three full runs out of three, two of them CI, the
    database left behind). Seen in the first `make test` process: a different wrapper, open, at the session's end."""
    from django.db import connections

    with django_db_blocker.unblock():
        migration = importlib.import_module("accounts.migrations.0002_regions_and_roles")
        migration.forwards(django_apps, None)
    yield
    connections.close_all()


@pytest.fixture(scope="session", autouse=True)
def _flush_by_delete():
    """A transactional test ends with Django's flush, which on PostgreSQL is one TRUNCATE of all 67 tables: 3 to
    4 s on the loaded 2-core machine (a new file per table and index), where DELETE FROM each takes 0.1 to 0.4 s.
    The tables end up just as empty (sequences are not reset by either; Django's foreign keys are DEFERRABLE
    INITIALLY DEFERRED and the flush runs in one transaction, so the order does not matter). A flush that
    resets sequences or cascades (`reset_sequences=True`, available_apps) keeps Django's TRUNCATE."""
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return
    operations = type(connection.ops)
    truncate = operations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return [f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};" for table in tables]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(operations, "sql_flush", sql_flush)
        yield


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test's teardown flushes the database, data migrations included: put the reference data
    back right after it, so whatever test runs next finds it. Under pytest-xdist a process runs tests in the
    order they are handed to it, so a test in a rolled-back transaction may well follow a transactional one."""
    outcome = yield
    # nextitem is None after the last test: the session's teardown has dropped the test database by then.
    if nextitem is not None and transactional(item):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            migration = importlib.import_module("accounts.migrations.0002_regions_and_roles")
            migration.forwards(django_apps, None)
    return outcome
