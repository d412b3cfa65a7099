"""The embedded default (no broker) runs the periodic work itself: after `make run` a call closes at its
deadline without a beat process."""

import os
import subprocess
import sys

import pytest
import time_machine

from applications import deadline
from applications.workflow import State
from core import scheduler
from tests.factories import ApplicationFactory, CallFactory

pytestmark = pytest.mark.django_db


def test_the_embedded_beat_runs_every_due_entry_and_closes_a_call(settings):
    call = CallFactory()
    plan = ApplicationFactory(call=call, status=State.SUBMITTED)
    beat = scheduler.EmbeddedBeat()
    due: dict[str, float] = {}
    with time_machine.travel(deadline.closes_at(call), tick=False):
        ran = beat.run_due(due, now=1000.0)
    assert set(ran) == set(settings.CELERY_BEAT_SCHEDULE)
    plan.refresh_from_db()
    assert plan.status == State.RECEIVED
    # entries wait for their own interval before running again
    assert beat.run_due(due, now=1001.0) == []
    every_minute = sorted(name for name, entry in settings.CELERY_BEAT_SCHEDULE.items() if entry["schedule"] == 60.0)
    assert "close-due-calls" in every_minute
    assert sorted(beat.run_due(due, now=1000.0 + 60.0)) == every_minute


def test_every_entry_runs_without_a_failure(caplog):
    ran = scheduler.EmbeddedBeat().run_due({}, now=1000.0)
    assert ran and "failed" not in caplog.text


def test_a_fresh_web_process_knows_every_scheduled_task():
    """In `make run`'s process only the task modules its views import were registered: the hourly session
    clean-up (accounts.tasks, imported by no view) failed with NotRegistered every hour. A fresh interpreter,
    as runserver starts: this test process has imported every task module already."""
    code = (
        "import django; django.setup()\n"
        "from celery import current_app\n"
        "from django.conf import settings\n"
        "from core.scheduler import EmbeddedBeat\n"
        "EmbeddedBeat()\n"
        "missing = sorted(e['task'] for e in settings.CELERY_BEAT_SCHEDULE.values() if e['task'] not in current_app.tasks)\n"
        "print('missing:', missing)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "CELERY_TASK_ALWAYS_EAGER": "true"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "missing: []"


def test_a_failing_entry_does_not_stop_the_others(settings, caplog):
    settings.CELERY_BEAT_SCHEDULE = {
        "broken": {"task": "core.tasks.sweep_outbox", "schedule": 60.0, "kwargs": {"stale_after_seconds": "x"}},
        "closing": {"task": "applications.tasks.close_due_calls", "schedule": 60.0},
    }
    beat = scheduler.EmbeddedBeat()
    assert beat.run_due({}, now=0.0) == ["broken", "closing"]
    assert "broken failed" in caplog.text


def test_it_starts_only_without_a_broker(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    assert not scheduler.should_run()
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert scheduler.should_run()


def test_manage_py_runserver_is_the_one_that_starts_it():
    from django.core.management import get_commands

    assert get_commands()["runserver"] == "core"
