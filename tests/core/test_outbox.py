import pytest
from celery.exceptions import Retry
from django.core.mail.backends.base import BaseEmailBackend

from core.models import OutboxMessage
from core.outbox import queue_email
from core.tasks import deliver_email, sweep_outbox

pytestmark = pytest.mark.django_db


def queue(reference="test:1"):
    return queue_email(
        to=["Someone@Example.kr"],
        template="accounts/email/password_reset",
        context={"protocol": "https", "domain": "portal", "uid": "MQ", "token": "abc-def"},
        reference=reference,
    )


def test_message_is_recorded_and_sent_after_commit(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        message = queue()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.to == ["someone@example.kr"]
    assert len(mailoutbox) == 1


def test_same_reference_is_queued_once(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue()
        second = queue()
    assert first.pk == second.pk
    assert len(mailoutbox) == 1


def test_delivering_twice_sends_once(mailoutbox):
    message = queue()
    assert deliver_email.apply(args=[message.pk]).get() == "sent"
    assert deliver_email.apply(args=[message.pk]).get() == "skipped"
    assert len(mailoutbox) == 1


def test_broker_outage_keeps_the_message_for_the_sweep(django_capture_on_commit_callbacks, monkeypatch, mailoutbox):
    def broker_down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(deliver_email, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        message = queue()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert len(mailoutbox) == 0

    monkeypatch.undo()
    assert sweep_outbox.apply(kwargs={"stale_after_seconds": 0}).get() == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert len(mailoutbox) == 1


def test_smtp_failures_are_recorded_and_retried_until_given_up(monkeypatch, settings):
    settings.EMAIL_BACKEND = "tests.core.test_outbox.FailingBackend"
    message = queue()
    for attempt in range(1, OutboxMessage.MAX_ATTEMPTS):
        with pytest.raises(Retry):
            deliver_email.apply(args=[message.pk])
        message.refresh_from_db()
        assert (message.status, message.attempts) == (OutboxMessage.Status.PENDING, attempt)
        assert "SMTP refused" in message.last_error
    assert deliver_email.apply(args=[message.pk]).get() == "failed"
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert deliver_email.apply(args=[message.pk]).get() == "skipped"


class FailingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise OSError("SMTP refused")
