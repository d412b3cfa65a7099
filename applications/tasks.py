import datetime
import hashlib
import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.files import store_generated, written_files
from core.pdf import TASK_LIMITS

log = logging.getLogger(__name__)

REMINDER_OFFSETS = {
    "7d": datetime.timedelta(days=7),
    "1d": datetime.timedelta(days=1),
    "3h": datetime.timedelta(hours=3),
}


@shared_task(bind=True, acks_late=True, max_retries=5, **TASK_LIMITS)
def generate_receipt(self, version_id: int) -> str:
    """Render the submission receipt PDF once per version and queue its e-mail in the same transaction as the
    stored PDF, so a receipt is never stored without its e-mail. Safe to repeat."""
    from core.pdf import render_pdf

    from .models import PlanVersion

    version = PlanVersion.objects.select_related(
        "application__call", "application__organization", "application__field"
    ).get(pk=version_id)
    pdf = None
    if not version.receipt_pdf:
        try:
            pdf = render_pdf("applications/pdf/receipt.html", {"version": version, "application": version.application})
        except Exception as exc:
            if self.request.retries >= self.max_retries:
                # The round is over: count it, so that the sweep gives the receipt up after RECEIPT_ROUNDS rounds
                # instead of re-queueing it forever (ahead of receipts that would succeed).
                PlanVersion.objects.filter(pk=version_id).update(receipt_failures=F("receipt_failures") + 1)
                log.error("receipt of plan version %s could not be rendered: %r", version_id, exc)
                raise
            raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc
    with written_files(), transaction.atomic():
        locked = (
            PlanVersion.objects.select_for_update(of=("self",))
            .select_related("application__organization")
            .get(pk=version_id)
        )
        if not locked.receipt_pdf and pdf is not None:
            number = locked.application.receipt_number or f"plan-{locked.application_id}"
            store_generated(locked.receipt_pdf, f"receipts/{number}-v{locked.number}.pdf", pdf)
            locked.receipt_sha256 = hashlib.sha256(pdf).hexdigest()
            locked.save(update_fields=["receipt_pdf", "receipt_sha256"])
        if locked.receipt_pdf:
            queue_receipt_email(locked)
    return "ok"


def queue_receipt_email(version) -> None:
    """Idempotent (the outbox reference): called with the stored receipt, and again by the sweep."""
    from core.outbox import queue_email

    queue_email(
        to=version.application.organization.contact_emails(),
        template="applications/email/receipt",
        context={"version": version, "application": version.application},
        reference=f"applications.receipt:{version.pk}",
        attachments=[version.receipt_pdf.name],
    )


@shared_task(soft_time_limit=120, time_limit=150)
def anchor_audit_chains() -> int:
    """Anchor the heads of the plan audit chains that grew into the global chain (applications/audit.py)."""
    from .audit import anchor

    event = anchor()
    return len(event.data["heads"]) if event else 0


@shared_task(soft_time_limit=120, time_limit=150)
def sweep_receipts(stale_after_seconds: int = 300) -> int:
    """Produce receipts whose task was lost (broker down at submission, worker died), and queue the e-mail of
    any stored receipt that has none (e.g. a receipt stored before this rule existed)."""
    from django.db.models import CharField, Exists, OuterRef, Value
    from django.db.models.functions import Cast, Concat

    from core.models import OutboxMessage

    from .models import PlanVersion

    cutoff = timezone.now() - datetime.timedelta(seconds=stale_after_seconds)
    stale = PlanVersion.objects.filter(submitted_at__lt=cutoff)
    ids = list(stale.receipt_waiting().order_by("pk").values_list("pk", flat=True)[:200])
    for version_id in ids:
        generate_receipt.delay(version_id)
    reference = Concat(Value("applications.receipt:"), Cast(OuterRef("pk"), CharField()))
    unmailed = stale.exclude(receipt_pdf="").filter(~Exists(OutboxMessage.objects.filter(reference=reference)))
    for version in unmailed.select_related("application__organization")[:200]:
        with transaction.atomic():
            queue_receipt_email(version)
        ids.append(version.pk)
    return len(ids)


@shared_task
def send_deadline_reminders(now_iso: str | None = None) -> int:
    """E-mail organisations with unsubmitted drafts 7 days, 1 day and 3 hours before the deadline, once each
    (the outbox reference makes a repeat a no-op; an extended deadline starts a new series)."""
    from core.outbox import queue_email

    from .models import Application, Call
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
                    to=organization.contact_emails(),
                    template="applications/email/deadline_reminder",
                    context={"call": call, "organization": organization, "label": label},
                    reference=reference,
                )
            sent += 1
    return sent


@shared_task(soft_time_limit=120, time_limit=150)
def close_due_calls() -> int:
    """Close every call past its deadline (and grace) that is not closed or still holds submitted plans."""
    from django.db.models import Exists, OuterRef, Q

    from .models import Application, Call
    from .services import close_call
    from .workflow import State

    now = timezone.now()
    grace = datetime.timedelta(seconds=settings.PORTAL_REQUEST_MAX_SECONDS)
    waiting = Application.objects.filter(call=OuterRef("pk"), status=State.SUBMITTED)
    due = Call.objects.filter(deadline__lte=now - grace).filter(Q(closed_at__isnull=True) | Exists(waiting))
    total = 0
    for call in due:
        total += close_call(call, at=now)
    return total
