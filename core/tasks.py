import datetime
import logging

from celery import shared_task
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from .models import OutboxMessage

log = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, max_retries=OutboxMessage.MAX_ATTEMPTS)
def deliver_email(self, message_id: int) -> str:
    """Send one outbox message. Safe to run twice: a sent message is never sent again."""
    error = None
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status != OutboxMessage.Status.PENDING:
            return "skipped"
        email = EmailMessage(subject=message.subject, body=message.body, to=message.to)
        for name in message.attachments:
            with default_storage.open(name, "rb") as fh:
                email.attach(name.rsplit("/", 1)[-1], fh.read())
        message.attempts += 1
        try:
            email.send(fail_silently=False)
        except Exception as exc:  # noqa: BLE001 - record every delivery error, then retry with backoff
            error = exc
            message.last_error = repr(exc)[:2000]
            if message.attempts >= OutboxMessage.MAX_ATTEMPTS:
                message.status = OutboxMessage.Status.FAILED
        else:
            message.status = OutboxMessage.Status.SENT
            message.sent_at = timezone.now()
            message.last_error = ""
        message.save(update_fields=["attempts", "last_error", "status", "sent_at"])
    if error is None:
        return "sent"
    if message.status == OutboxMessage.Status.FAILED:
        log.error("Giving up on outbox message %s after %s attempts", message_id, message.attempts)
        return "failed"
    raise self.retry(exc=error, countdown=30 * 2 ** (message.attempts - 1))


@shared_task
def sweep_outbox(stale_after_seconds: int = 300) -> int:
    """Re-dispatch messages whose dispatch was lost (broker down, worker died before acknowledging)."""
    from .outbox import dispatch

    cutoff = timezone.now() - datetime.timedelta(seconds=stale_after_seconds)
    ids = list(OutboxMessage.objects.due_for_dispatch(cutoff).values_list("pk", flat=True)[:500])
    for message_id in ids:
        dispatch(message_id)
    return len(ids)
