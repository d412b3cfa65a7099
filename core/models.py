"""The outbox: every e-mail the portal sends is first a row, written in the same transaction as the state
change that caused it, so a broker outage can delay a message but never lose it (DESIGN.md)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxQuerySet(models.QuerySet):
    def due_for_dispatch(self, older_than):
        """Messages still waiting whose last dispatch is older than the given instant (or never made)."""
        return self.filter(status=OutboxMessage.Status.PENDING).filter(
            models.Q(dispatched_at__isnull=True) | models.Q(dispatched_at__lt=older_than)
        )


class OutboxMessage(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    MAX_ATTEMPTS = 5

    to = models.JSONField(_("recipients"), default=list)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    # Storage names of files to attach (e.g. a receipt PDF), read when the message is delivered.
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    # What caused the message, e.g. "accounts.organization:12:approved"; unique so a retry never doubles it.
    reference = models.CharField(_("reference"), max_length=200, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
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
