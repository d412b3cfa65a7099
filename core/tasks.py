import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .models import OutboxMessage

log = logging.getLogger(__name__)

# Each task is a plain function registered by wrapping it under its own name (so the task names, and so the
# beat schedule and queued messages, are unchanged): mutmut skips decorated functions, and these hold rules.


def deliver_email(self, message_id: int) -> str:
    """Send one outbox message with the semantics written in core/outbox.py. Safe to run any number of times."""
    from . import outbox

    message = outbox.claim(message_id)
    if message is None:
        return "skipped"
    try:
        outbox.as_email(message).send(fail_silently=False)  # EMAIL_TIMEOUT bounds every SMTP exchange
    except Exception as exc:  # noqa: BLE001 - a refusal, a timeout, a soft time limit: record it, retry later
        if outbox.record_failure(message_id, exc) == OutboxMessage.Status.FAILED:
            log.error("Giving up on outbox message %s after %s attempts", message_id, message.attempts)
            return "failed"
        raise self.retry(exc=exc, countdown=30 * 2 ** (message.attempts - 1)) from None
    outbox.record_sent(message_id)
    return "sent"


deliver_email = shared_task(
    bind=True,
    acks_late=True,
    max_retries=OutboxMessage.MAX_ATTEMPTS,
    soft_time_limit=settings.OUTBOX_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.OUTBOX_TASK_TIME_LIMIT,
)(deliver_email)


def sweep_outbox(stale_after_seconds: int = 300) -> int:
    """Re-dispatch messages whose dispatch was lost (broker down, worker died before acknowledging) and
    messages left "sending" past their lease (outcome unknown: sent again with the same Message-ID)."""
    from .outbox import dispatch, lease

    now = timezone.now()
    cutoff = now - datetime.timedelta(seconds=stale_after_seconds)
    due = OutboxMessage.objects.due_for_dispatch(cutoff, now - lease())
    ids = list(due.values_list("pk", flat=True)[:500])
    for message_id in ids:
        dispatch(message_id, retrying=True)
    return len(ids)


sweep_outbox = shared_task(soft_time_limit=60, time_limit=90)(sweep_outbox)


def sweep_orphan_files() -> int:
    """Delete stored files no row refers to (left by a process killed between writing and committing) and
    temporary upload files left by killed requests."""
    from .files import sweep_orphans, sweep_upload_temp

    return len(sweep_orphans()) + len(sweep_upload_temp())


sweep_orphan_files = shared_task(soft_time_limit=300, time_limit=360)(sweep_orphan_files)


def build_export(export_id: int) -> str:
    """Build one export job's spreadsheet (core/export_jobs.py). Safe to run twice: one file is kept."""
    from .export_jobs import build

    return build(export_id)


build_export = shared_task(
    acks_late=True,
    soft_time_limit=settings.EXPORT_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.EXPORT_TASK_TIME_LIMIT,
)(build_export)


def sweep_exports() -> int:
    """Delete export files past their day; queue again the jobs whose task was lost."""
    from .export_jobs import sweep

    deleted, queued = sweep()
    return deleted + queued


sweep_exports = shared_task(soft_time_limit=120, time_limit=150)(sweep_exports)
