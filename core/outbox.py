"""Record an e-mail in the outbox and dispatch it after the surrounding transaction commits."""

import logging
import re

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import OutboxMessage

log = logging.getLogger(__name__)


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


def dispatch(message_id: int) -> None:
    """Hand the message to Celery. A broker outage is logged, not raised: the sweep sends it later."""
    from .tasks import deliver_email

    OutboxMessage.objects.filter(pk=message_id).update(dispatched_at=timezone.now())
    try:
        deliver_email.delay(message_id)
    except Exception:  # noqa: BLE001 - any broker error leaves the row pending for the sweep
        log.warning("Could not dispatch outbox message %s; the sweep will retry", message_id, exc_info=True)
