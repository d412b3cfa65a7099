"""Celery tasks of the committee room: they take ids, are idempotent and safe to retry."""

import datetime
import hashlib
import logging

from celery import shared_task
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone, translation

from core.files import store_generated, written_files
from core.pdf import TASK_LIMITS

log = logging.getLogger(__name__)

NOTICE_TEMPLATE = "notices/decision_notice.html"


@shared_task(bind=True, acks_late=True, max_retries=5, **TASK_LIMITS)
def generate_notice(self, notice_id: int) -> str:
    """Render the decision notice PDF once, signed by the issuing authority (core.signing). A repeat (retry, duplicate delivery, a worker killed after the
    commit) finds the PDF stored and changes nothing; two concurrent runs store only the first one."""
    from core.pdf import render_pdf
    from core.signing import sign_pdf

    from . import selectors
    from .documents import notice_context
    from .models import DecisionNotice

    notice = selectors.notice_for_rendering(notice_id)
    if notice.is_ready:
        return "exists"
    try:
        pdf = sign_pdf(
            render_pdf(NOTICE_TEMPLATE, notice_context(notice), language=notice.language),
            reason=signature_reason(notice),
            location=notice.call.authority_ko,
        )
    except ImproperlyConfigured:
        raise  # no signing key: retrying cannot help, and an unsigned notice must never be issued
    except Exception as exc:
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc
    with written_files(), transaction.atomic():
        locked = DecisionNotice.objects.select_for_update().get(pk=notice_id)
        if locked.is_ready:
            return "exists"
        store_generated(locked.pdf, locked.filename, pdf)
        locked.sha256 = hashlib.sha256(pdf).hexdigest()
        locked.generated_at = timezone.now()
        locked.save(update_fields=["pdf", "sha256", "generated_at"])
    return "generated"


def signature_reason(notice) -> str:
    """What a PDF reader shows as the signature's reason: the document number and the decision."""
    with translation.override(notice.language):
        return f"{notice.document_number} {notice.get_decision_display()}"


@shared_task
def sweep_notices(stale_after_seconds: int = 300) -> int:
    """Render notices whose task was lost (broker down at confirmation, worker died before the commit)."""
    from .models import DecisionNotice

    cutoff = timezone.now() - datetime.timedelta(seconds=stale_after_seconds)
    ids = list(DecisionNotice.objects.pending().filter(created_at__lt=cutoff).values_list("pk", flat=True)[:200])
    for notice_id in ids:
        generate_notice.delay(notice_id)
    return len(ids)


@shared_task
def send_condition_reminders() -> int:
    """Reminders of conditions falling due (idempotent per condition and reminder: see the service)."""
    from .services import remind_conditions

    return remind_conditions(timezone.now())
