"""The embedded default's beat: without a broker (tasks in-process) nothing else would run the periodic work
in CELERY_BEAT_SCHEDULE, so a call would never close after `make run`. This thread runs the same entries at
the same intervals inside the web process. With a broker, `celery beat` does it and this never starts."""

import logging
import threading

from celery import current_app
from django.conf import settings
from django.db import close_old_connections

log = logging.getLogger(__name__)


class EmbeddedBeat(threading.Thread):
    def __init__(self, schedule: dict | None = None, first_delay: float = 5.0):
        super().__init__(name="embedded-beat", daemon=True)
        self.schedule = schedule if schedule is not None else settings.CELERY_BEAT_SCHEDULE
        self.first_delay = first_delay
        self.stopped = threading.Event()
        # Register every installed app's tasks module now, as a worker does when it starts (config/celery.py
        # asks for them lazily): a web process imports only the task modules its views import, so an entry whose
        # module nothing else imports (accounts.tasks: the hourly session clean-up) was never registered.
        current_app.autodiscover_tasks(force=True)

    def run_due(self, due: dict[str, float], now: float) -> list[str]:
        """Run every entry whose time has come; return their names. Each entry's failure is logged and kept
        to itself (the next one still runs)."""
        ran = []
        for name, entry in self.schedule.items():
            if due.get(name, 0) > now:
                continue
            due[name] = now + float(entry["schedule"])
            try:
                current_app.tasks[entry["task"]].apply(
                    args=entry.get("args", ()), kwargs=entry.get("kwargs", {}), throw=True
                )
            except Exception:  # noqa: BLE001 - one failing entry must not stop the others
                log.exception("Embedded beat: %s failed", name)
            ran.append(name)
        return ran

    def run(self):
        import time

        due: dict[str, float] = {}
        if self.stopped.wait(self.first_delay):
            return
        while not self.stopped.is_set():
            close_old_connections()
            try:
                self.run_due(due, time.monotonic())
            finally:
                close_old_connections()
            self.stopped.wait(5.0)


def should_run() -> bool:
    return bool(settings.CELERY_TASK_ALWAYS_EAGER) and settings.PORTAL_EMBEDDED_BEAT
