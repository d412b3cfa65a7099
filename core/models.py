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
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
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
