"""The fault tests' own harness (tests/faults/conftest.py, tests/services.py): what a test process shares
with another one running beside it (pytest-xdist), and with the tests that run after it."""

import celery
import pytest

from config.celery import app as celery_app
from tests import services

from .conftest import WorkerProcess

pytestmark = pytest.mark.faults


def test_the_readiness_ping_leaves_the_projects_app_current():
    """Before: the ping's throwaway Celery app became the current app, and every shared task published after
    the first fault worker had started went through it: to the queue `celery` (where this process's workers do
    not listen), without the transport's timeouts, and not eager in the tests that expect in-process tasks."""
    url = services.broker_url()
    services.need("Redis", services.redis_answers(url), f"no answer from {url}")
    assert celery.current_app._get_current_object() is celery_app
    WorkerProcess(url, {})._pings()  # no such worker: False after the ping's timeout
    assert celery.current_app._get_current_object() is celery_app


def test_each_test_process_has_its_own_queue_on_the_one_broker_database(monkeypatch):
    """Before: a pytest-xdist process used Redis database N+1, which on a machine shared with other runs is
    someone else's (their worker took this process's tasks and ran them against their database)."""
    assert celery_app.amqp.default_queue.name == services.task_queue()  # where this process publishes
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
    gw1 = services.task_queue()
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")
    assert services.task_queue() != gw1
    monkeypatch.delenv("PYTEST_XDIST_WORKER")
    assert services.task_queue() not in (gw1, "celery")  # nor a real worker's default queue on the same database
