"""The Celery application. Tasks live in each app's tasks.py and take ids, never model instances."""

import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def yield_to_the_web(**kwargs) -> None:
    """Run each worker process at a lower CPU priority (PORTAL_WORKER_NICE) than the web: on one machine, PDF
    rendering (receipts at a deadline surge) then uses the CPU the web leaves idle, and receipts lag instead of
    submissions (issue 12). E-mail and the sweeps wait on the network and the database, not the CPU."""
    from django.conf import settings

    if settings.PORTAL_WORKER_NICE:
        os.nice(settings.PORTAL_WORKER_NICE)


worker_process_init.connect(yield_to_the_web, weak=False)
