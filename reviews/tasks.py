"""Background work of the reviews room: review packet PDFs (and their sweep), reminders before review due dates."""

import datetime
import hashlib
import logging

from celery import shared_task
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core import pdf
from core.files import store_generated, written_files

log = logging.getLogger(__name__)

# Reminders before a stage's review due date; each is sent at most once per evaluator and due date.
REMINDER_OFFSETS = {
    "3d": datetime.timedelta(days=3),
    "1d": datetime.timedelta(days=1),
}


@shared_task(bind=True, acks_late=True, max_retries=5, **pdf.TASK_LIMITS)
def generate_review_packet(self, packet_id: int) -> str:
    """Render the review packet PDF of one frozen version once. Safe to repeat and to deliver twice."""
    from .models import ReviewPacket
    from .packets import filename, packet_context

    packet = ReviewPacket.objects.select_related(
        "version__application__call", "version__application__organization", "version__application__field"
    ).get(pk=packet_id)
    if packet.is_ready:
        return "ready"
    # Counted before rendering, so that a render killed by the time limit counts too.
    if not ReviewPacket.objects.filter(pk=packet_id, attempts__lt=ReviewPacket.MAX_ATTEMPTS).update(
        attempts=F("attempts") + 1
    ):
        log.error("Giving up on review packet %s after %s attempts", packet_id, ReviewPacket.MAX_ATTEMPTS)
        return "gave_up"
    try:
        rendered = pdf.render_pdf("reviews/pdf/review_packet.html", packet_context(packet))
    except Exception as exc:
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc
    with written_files(), transaction.atomic():
        locked = ReviewPacket.objects.select_for_update().get(pk=packet_id)
        if locked.is_ready:  # another delivery of this task finished first
            return "ready"
        store_generated(locked.pdf, filename(packet), rendered)
        locked.sha256 = hashlib.sha256(rendered).hexdigest()
        locked.generated_at = timezone.now()
        locked.save(update_fields=["pdf", "sha256", "generated_at"])
    return "ok"


@shared_task
def sweep_review_packets(stale_after_seconds: int = 300) -> int:
    """Produce packets whose task was lost (broker down at the request, worker died)."""
    from .models import ReviewPacket

    cutoff = timezone.now() - datetime.timedelta(seconds=stale_after_seconds)
    pending = ReviewPacket.objects.filter(pdf="", requested_at__lt=cutoff, attempts__lt=ReviewPacket.MAX_ATTEMPTS)
    ids = list(pending.values_list("pk", flat=True)[:200])
    for packet_id in ids:
        generate_review_packet.delay(packet_id)
    return len(ids)


def _open_assignments(rubric):
    """Assignments of the rubric's stage still waiting for the evaluator: not conflicted, not submitted, and
    the plan still in that stage."""
    from applications.workflow import State

    from .aggregates import conflicted
    from .models import Assignment, Review, Stage

    active = State.ADVISORY_REVIEW if rubric.stage == Stage.ADVISORY else State.SUBCOMMITTEE
    return (
        Assignment.objects.filter(panel__call_id=rubric.call_id, panel__stage=rubric.stage, application__status=active)
        .exclude(conflicted())
        .exclude(review__status=Review.Status.SUBMITTED)
        .select_related("reviewer", "application")
        .order_by("reviewer_id", "application__receipt_number")
    )


@shared_task
def send_review_reminders(now_iso: str | None = None) -> int:
    """E-mail evaluators with open reviews 3 days and 1 day before the stage's due date, once each (the
    outbox reference makes a repeat a no-op; a changed due date starts a new series)."""
    from core.outbox import queue_email

    from .models import Rubric

    now = datetime.datetime.fromisoformat(now_iso) if now_iso else timezone.now()
    sent = 0
    for rubric in Rubric.objects.filter(due_at__gt=now).select_related("call"):
        due = [label for label, offset in REMINDER_OFFSETS.items() if rubric.due_at - offset <= now]
        if not due:
            continue
        label = min(due, key=lambda key: REMINDER_OFFSETS[key])  # the closest threshold only
        plans_by_user: dict[int, tuple] = {}
        for assignment in _open_assignments(rubric):
            reviewer, plans = plans_by_user.setdefault(assignment.reviewer_id, (assignment.reviewer, []))
            plans.append(assignment.application)
        for reviewer, plans in plans_by_user.values():
            reference = f"reviews.reminder:{rubric.pk}:{rubric.due_at.isoformat()}:{label}:{reviewer.pk}"
            with transaction.atomic():
                queue_email(
                    to=[reviewer.email],
                    template="reviews/email/review_reminder",
                    context={"rubric": rubric, "reviewer": reviewer, "plans": plans, "label": label},
                    reference=reference,
                )
            sent += 1
    return sent
