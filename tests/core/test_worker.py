"""The queue for real: a Celery worker thread on the Redis broker runs the task, no eager mode."""

import time

import pytest
from django.core import mail

from core.models import OutboxMessage
from core.outbox import queue_email

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_a_real_worker_delivers_an_outbox_message(celery_worker, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    message = queue_email(
        to=["worker-test@example.kr"],
        template="accounts/email/password_reset",
        context={"protocol": "https", "domain": "portal", "uid": "MQ", "token": "abc"},
        reference="worker-test:1",
    )  # autocommit: on_commit dispatches at once, through the broker
    assert wait_for(lambda: OutboxMessage.objects.get(pk=message.pk).status == OutboxMessage.Status.SENT), (
        "the worker did not deliver the message within 30 s"
    )
    assert [m.to for m in mail.outbox] == [["worker-test@example.kr"]]
