import datetime
import hashlib
import logging

from celery import shared_task
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core.pdf import TASK_LIMITS

log = logging.getLogger(__name__)

REMINDER_OFFSETS = {
    "7d": datetime.timedelta(days=7),
    "1d": datetime.timedelta(days=1),
    "3h": datetime.timedelta(hours=3),
}


@shared_task(bind=True, acks_late=True, max_retries=5, **TASK_LIMITS)
def generate_receipt(self, version_id: int) -> str:
    """Render the submission receipt PDF once per version and e-mail it. Safe to repeat."""
    from core.outbox import queue_email
    from core.pdf import render_pdf

    from .models import PlanVersion

    version = PlanVersion.objects.select_related(
        "application__call", "application__organization", "application__field"
    ).get(pk=version_id)
    if not version.receipt_pdf:
        try:
            pdf = render_pdf("applications/pdf/receipt.html", {"version": version, "application": version.application})
        except Exception as exc:
            raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc
        with transaction.atomic():
            locked = PlanVersion.objects.select_for_update().get(pk=version_id)
            if not locked.receipt_pdf:
                number = locked.application.receipt_number or f"plan-{locked.application_id}"
                locked.receipt_pdf.save(f"receipts/{number}-v{locked.number}.pdf", ContentFile(pdf), save=False)
                locked.receipt_sha256 = hashlib.sha256(pdf).hexdigest()
                locked.save(update_fields=["receipt_pdf", "receipt_sha256"])
            version = locked
    application = version.application
    from .services import _contacts

    contacts = _contacts(application.organization)
    with transaction.atomic():
        queue_email(
            to=contacts,
            template="applications/email/receipt",
            context={"version": version, "application": application},
            reference=f"applications.receipt:{version.pk}",
            attachments=[version.receipt_pdf.name],
        )
    return "ok"


@shared_task
def sweep_receipts(stale_after_seconds: int = 300) -> int:
    """Produce receipts whose task was lost (broker down at submission, worker died)."""
    from .models import PlanVersion

    cutoff = timezone.now() - datetime.timedelta(seconds=stale_after_seconds)
    ids = list(PlanVersion.objects.filter(receipt_pdf="", submitted_at__lt=cutoff).values_list("pk", flat=True)[:200])
    for version_id in ids:
        generate_receipt.delay(version_id)
    return len(ids)


@shared_task
def send_deadline_reminders(now_iso: str | None = None) -> int:
    """E-mail organisations with unsubmitted drafts 7 days, 1 day and 3 hours before the deadline, once each
    (the outbox reference makes a repeat a no-op; an extended deadline starts a new series)."""
    from core.outbox import queue_email

    from .models import Application, Call
    from .services import _contacts
    from .workflow import State

    now = datetime.datetime.fromisoformat(now_iso) if now_iso else timezone.now()
    sent = 0
    for call in Call.objects.published().filter(deadline__gt=now):
        due = [label for label, offset in REMINDER_OFFSETS.items() if call.deadline - offset <= now]
        if not due:
            continue
        label = min(due, key=lambda key: REMINDER_OFFSETS[key])  # the closest threshold only
        drafts = Application.objects.filter(call=call, status=State.DRAFT).select_related("organization")
        for organization in {a.organization for a in drafts}:
            reference = f"applications.reminder:{call.pk}:{call.deadline.isoformat()}:{label}:{organization.pk}"
            with transaction.atomic():
                queue_email(
                    to=_contacts(organization),
                    template="applications/email/deadline_reminder",
                    context={"call": call, "organization": organization, "label": label},
                    reference=reference,
                )
            sent += 1
    return sent


@shared_task
def close_due_calls() -> int:
    from .models import Call
    from .services import close_call

    now = timezone.now()
    total = 0
    for call in Call.objects.filter(deadline__lte=now, closed_at__isnull=True):
        total += close_call(call, at=now)
    return total
