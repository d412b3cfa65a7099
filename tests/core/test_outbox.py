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


# --- delivery semantics (core/outbox.py) ----------------------------------------------------------------

import datetime  # noqa: E402

from django.utils import timezone  # noqa: E402

from core import outbox  # noqa: E402


class FlakyBackend(BaseEmailBackend):
    """Refuses the first message it is given, accepts later ones; remembers every Message-ID it saw."""

    seen: list[str] = []

    def send_messages(self, messages):
        FlakyBackend.seen.extend(m.extra_headers["Message-ID"] for m in messages)
        if len(FlakyBackend.seen) == 1:
            raise OSError("SMTP refused")
        return len(messages)


def test_every_attempt_carries_the_same_message_id(settings):
    settings.EMAIL_BACKEND = "tests.core.test_outbox.FlakyBackend"
    FlakyBackend.seen = []
    message = queue()
    with pytest.raises(Retry):
        deliver_email.apply(args=[message.pk])
    assert deliver_email.apply(args=[message.pk]).get() == "sent"
    assert FlakyBackend.seen == [message.message_id, message.message_id]
    assert message.message_id.startswith("<") and message.message_id.endswith("@portal.example.kr>")


def test_a_message_being_sent_is_left_alone_until_its_lease_ends(settings, mailoutbox):
    message = queue()
    start = timezone.now()
    assert outbox.claim(message.pk, now=start) is not None  # a worker is talking to SMTP
    lease = datetime.timedelta(seconds=settings.OUTBOX_SENDING_LEASE)
    assert outbox.claim(message.pk, now=start + lease - datetime.timedelta(microseconds=1)) is None
    # the sweep at instant `now` asks for messages sending since before `now - lease`
    assert not OutboxMessage.objects.due_for_dispatch(start, start - datetime.timedelta(microseconds=1)).exists()
    assert not OutboxMessage.objects.due_for_dispatch(start, start).exists()
    assert OutboxMessage.objects.due_for_dispatch(start, start + datetime.timedelta(microseconds=1)).exists()
    # exactly at the lease the attempt is presumed lost with its worker: a worker takes it again
    again = outbox.claim(message.pk, now=start + lease)
    assert again is not None and again.attempts == 2 and again.message_id == message.message_id


def test_a_sent_message_is_never_claimed_again(mailoutbox):
    message = queue()
    assert deliver_email.apply(args=[message.pk]).get() == "sent"
    far_future = timezone.now() + datetime.timedelta(days=365)
    assert outbox.claim(message.pk, now=far_future) is None
    assert not OutboxMessage.objects.due_for_dispatch(far_future, far_future).exists()


def test_a_lost_sent_commit_leaves_the_message_sending_then_it_is_resent_with_its_id(monkeypatch, mailoutbox, settings):
    message = queue()

    def database_gone(message_id):
        raise ConnectionError("database connection lost")

    monkeypatch.setattr(outbox, "record_sent", database_gone)
    with pytest.raises(ConnectionError):
        deliver_email.apply(args=[message.pk])
    monkeypatch.undo()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENDING and len(mailoutbox) == 1
    assert deliver_email.apply(args=[message.pk]).get() == "skipped"  # within the lease
    OutboxMessage.objects.filter(pk=message.pk).update(
        sending_since=timezone.now() - datetime.timedelta(seconds=settings.OUTBOX_SENDING_LEASE + 1)
    )
    assert sweep_outbox.apply(kwargs={"stale_after_seconds": 0}).get() == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert [m.extra_headers["Message-ID"] for m in mailoutbox] == [message.message_id] * 2


@pytest.mark.parametrize("status", ["pending", "sending", "sent"])
def test_only_a_failed_message_can_be_retried(status):
    message = queue()
    OutboxMessage.objects.filter(pk=message.pk).update(status=status)
    with pytest.raises(outbox.OutboxRefusal):
        outbox.retry_failed(message.pk)


def test_a_failed_message_is_retried_as_the_same_row(django_capture_on_commit_callbacks, mailoutbox):
    message = queue()
    OutboxMessage.objects.filter(pk=message.pk).update(status="failed", attempts=OutboxMessage.MAX_ATTEMPTS)
    with django_capture_on_commit_callbacks(execute=True):
        outbox.retry_failed(message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxMessage.Status.SENT, 1)
    assert OutboxMessage.objects.count() == 1 and len(mailoutbox) == 1
