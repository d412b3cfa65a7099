"""The outbox: every e-mail the portal sends is first a row, written in the same transaction as the state
change that caused it, so a broker outage can delay a message but never lose it (docs/ARCHITECTURE.md)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxQuerySet(models.QuerySet):
    def due_for_dispatch(self, older_than, sending_before):
        """Messages the sweep hands to a worker again: waiting ones whose last dispatch is older than
        `older_than` (or never made), and ones left "sending" before `sending_before` (the attempt's worker
        died or its outcome was lost: the outcome is unknown, so they are sent again with the same Message-ID)."""
        Status = OutboxMessage.Status
        waiting = models.Q(status=Status.PENDING) & (
            models.Q(dispatched_at__isnull=True) | models.Q(dispatched_at__lt=older_than)
        )
        abandoned = models.Q(status=Status.SENDING, sending_since__lt=sending_before)
        return self.filter(waiting | abandoned)


class OutboxMessage(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    # The only moves a message makes (core.outbox.move, through core.states.move; nothing else assigns `status`).
    TRANSITIONS = {
        Status.PENDING: {Status.SENDING},
        Status.SENDING: {Status.SENT, Status.PENDING, Status.FAILED, Status.SENDING},
        Status.FAILED: {Status.PENDING},
        Status.SENT: set(),
    }
    MAX_ATTEMPTS = 5

    to = models.JSONField(_("recipients"), default=list)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    # Storage names of files to attach (e.g. a receipt PDF), read when the message is delivered.
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    # What caused the message, e.g. "accounts.organization:12:approved"; unique so a retry never doubles it.
    reference = models.CharField(_("reference"), max_length=200, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    # Stable across every attempt, so a resend after an unknown outcome is recognisably the same message.
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True, editable=False)
    # When the current attempt committed "sending", before talking to SMTP.
    sending_since = models.DateTimeField(_("sending since"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("last dispatched at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = OutboxQuerySet.as_manager()

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "dispatched_at"])]

    def __str__(self):
        return f"{self.subject} → {', '.join(self.to)}"

    def save(self, *args, **kwargs):
        if not self.message_id:
            self.message_id = new_message_id()
        super().save(*args, **kwargs)


def new_message_id() -> str:
    from email.utils import make_msgid, parseaddr

    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "portal.invalid"
    return make_msgid(domain=domain)


def _export_path(job, filename: str) -> str:
    return f"exports/{job.pk}-{filename}"


class ExportJobQuerySet(models.QuerySet):
    def live(self, now):
        """Jobs whose file is still offered (not past their expiry); the sweep deletes the others."""
        return self.filter(expires_at__gt=now)


class ExportJob(models.Model):
    """One spreadsheet a user asked for, built by a Celery task (core/export_jobs.py) and kept for a day.

    The room that offers the export registers a builder under a dotted name (core imports no room); the job
    stores that name and the parameters the builder needs, never the rows themselves."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be prepared")
        RUNNING = "running", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    # RUNNING -> RUNNING: the task delivered again after its worker was killed starts over.
    TRANSITIONS = {
        Status.PENDING: {Status.RUNNING, Status.FAILED},
        Status.RUNNING: {Status.RUNNING, Status.READY, Status.FAILED},
        Status.READY: set(),
        Status.FAILED: set(),
    }
    # Deliveries of the task that may start building (a worker killed each time does not loop forever).
    MAX_ATTEMPTS = 3

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("owner")
    )
    builder = models.CharField(_("export"), max_length=100)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10)
    filename = models.CharField(_("file name"), max_length=200)
    # The page the export was asked from (a path on this site), offered as the way back.
    back_url = models.CharField(_("back to"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    rows_total = models.PositiveIntegerField(_("rows expected"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=_export_path, max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Written with the progress: a running job whose heartbeat is older than the task's hard time limit lost
    # its worker.
    heartbeat_at = models.DateTimeField(_("last progress at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"))

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "heartbeat_at"]), models.Index(fields=["expires_at"])]

    def __str__(self):
        return f"{self.filename} ({self.status})"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("core:export_job", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.READY, self.Status.FAILED)
