"""The outbox: every e-mail is a row first, then delivered by a worker with explicit semantics.

What "once" means (README, "Delivery semantics"):
- A message is recorded in the same transaction as the change that caused it, under a unique `reference`
  (queueing the same reference twice returns the first row), so it is never lost and never doubled by a retry
  of the cause.
- Before talking to SMTP the worker commits "sending" (`claim`). Known outcomes are final: "sent" is never
  sent again; an SMTP error returns the row to "pending" for a bounded number of attempts, then "failed".
- When the outcome is unknown (the worker died during SMTP, the connection dropped after the server may have
  accepted, or the database lost the "sent" commit), the row stays "sending"; after `OUTBOX_SENDING_LEASE`
  the sweep sends it again with the same Message-ID. So each recipient receives the message once, or, only
  where SMTP's answer was lost, once more with an identical Message-ID that mail clients recognise.
- A message still "sending" within its lease is never picked up by a second worker.
"""

import datetime
import logging
import posixpath
import re

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import korean, queueing, states
from .errors import Refused
from .models import OutboxMessage

log = logging.getLogger(__name__)
Status = OutboxMessage.Status


class OutboxRefusal(Refused):
    """A move the message's state does not allow (e.g. retrying a message that has not failed)."""


def queue_email(
    *,
    to: list[str],
    template: str,
    context: dict,
    reference: str,
    language: str = "ko",
    attachments: list[str] | None = None,
    created_by=None,
) -> OutboxMessage:
    """Render `template`_subject.txt / _body.txt in `language` and store the message.

    Idempotent on `reference`: queueing the same reference twice returns the first message.
    """
    existing = OutboxMessage.objects.filter(reference=reference).first()
    if existing:
        return existing
    with translation.override(language):
        # Plain text: rendered by the engine without HTML escaping (settings.TEMPLATES "text").
        subject = " ".join(render_to_string(f"{template}_subject.txt", context, using="text").split())
        body = render_to_string(f"{template}_body.txt", context, using="text")
        subject, body = korean.resolve(subject), korean.resolve(body)  # 은(는) → 은 or 는, by the word before
    message = OutboxMessage.objects.create(
        to=sorted({address.lower() for address in to if address}),
        subject=subject[:255],
        body=body,
        attachments=attachments or [],
        reference=reference,
        created_by=created_by,
    )
    transaction.on_commit(lambda: dispatch(message.pk))
    return message


# A password-reset token as Django makes them (base36 timestamp, a dash, 32 hex digits).
_RESET_TOKEN = re.compile(r"\b[0-9a-z]{1,13}-[0-9a-f]{32}\b")


def redact(text: str) -> str:
    """The text with every password-reset token hidden: what staff may read of a message in the admin."""
    return _RESET_TOKEN.sub("[hidden]", text)


def dispatch(message_id: int, *, retrying: bool = False) -> None:
    """Hand the message to a worker. A broker outage is logged, not raised: the sweep sends it later."""
    from .tasks import deliver_email

    OutboxMessage.objects.filter(pk=message_id).update(dispatched_at=timezone.now())
    queueing.publish(deliver_email, message_id, retrying=retrying)


def move(message: OutboxMessage, to: str) -> None:
    """Change a locked message's state, refusing moves the table does not allow (the caller saves)."""
    states.move(message, to, refusal=OutboxRefusal)


def lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.OUTBOX_SENDING_LEASE)


def claim(message_id: int, *, now=None) -> OutboxMessage | None:
    """Commit "sending" before SMTP is called. None when the message is not this worker's to send: already
    sent or failed, or being sent by another worker within its lease."""
    now = now or timezone.now()
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status in (Status.SENT, Status.FAILED):
            return None
        if message.status == Status.SENDING and message.sending_since and message.sending_since > now - lease():
            return None
        move(message, Status.SENDING)
        message.sending_since = now
        message.attempts += 1
        message.save(update_fields=["status", "sending_since", "attempts"])
    return message


def record_sent(message_id: int) -> None:
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().get(pk=message_id)
        if message.status == Status.SENT:
            return
        move(message, Status.SENT)
        message.sent_at = timezone.now()
        message.last_error = ""
        message.save(update_fields=["status", "sent_at", "last_error"])


def record_failure(message_id: int, error: BaseException) -> str:
    """SMTP said no (or nothing): back to pending for another attempt, or failed after the last one."""
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().get(pk=message_id)
        if message.status != Status.SENDING:
            return message.status
        move(message, Status.FAILED if message.attempts >= OutboxMessage.MAX_ATTEMPTS else Status.PENDING)
        message.last_error = repr(error)[:2000]
        message.save(update_fields=["status", "last_error"])
    return message.status


def retry_failed(message_id: int) -> OutboxMessage:
    """Give a failed message a new round of attempts: the same row and Message-ID, never a second message."""
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().get(pk=message_id)
        if message.status != Status.FAILED:
            raise OutboxRefusal(f"outbox message {message.pk} has not failed ({message.status})")
        move(message, Status.PENDING)
        message.attempts = 0
        message.save(update_fields=["status", "attempts"])
        transaction.on_commit(lambda: dispatch(message.pk))
    return message


def as_email(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage(
        subject=message.subject, body=message.body, to=message.to, headers={"Message-ID": message.message_id}
    )
    for name in message.attachments:
        with default_storage.open(name, "rb") as fh:
            email.attach(posixpath.basename(name), fh.read())  # storage names always use "/"
    return email
