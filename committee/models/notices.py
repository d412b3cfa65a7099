"""The decision notice (지정 결과 통지서): one official PDF per confirmed resolution, numbered per call."""

import base64
import hashlib
import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Call
from core.models import OutboxMessage

from .resolutions import Resolution

CODE_BYTES = 10  # 80 random bits: not guessable, short enough to type from paper


def _check(body: str) -> str:
    return base64.b32encode(hashlib.sha256(body.encode()).digest())[:2].decode()


def new_verification_code() -> str:
    """16 random base32 characters and 2 check characters, shown in groups of four."""
    body = base64.b32encode(secrets.token_bytes(CODE_BYTES)).decode()
    return body + _check(body)


def normalise_code(text: str) -> str | None:
    """The stored form of a code typed or scanned, or None if it cannot be one of ours (typo or forgery)."""
    code = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    if len(code) != 18 or any(ch not in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" for ch in code):
        return None
    return code if secrets.compare_digest(_check(code[:16]), code[16:]) else None


def format_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


class NoticeCounter(models.Model):
    """The last document number per call (locked while a notice is numbered)."""

    call = models.OneToOneField(
        Call, on_delete=models.CASCADE, related_name="notice_counter", verbose_name=_("call for applications")
    )
    last = models.PositiveIntegerField(default=0, verbose_name=_("last number"))

    def __str__(self):
        return f"{self.call_id}: {self.last}"


def notice_path(instance, filename):
    return f"committee/notices/{instance.resolution.agenda_item.application_id}/{filename}"


class DecisionNoticeQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(pdf="")


class DecisionNotice(models.Model):
    class Language(models.TextChoices):
        KOREAN = "ko", _("Korean")
        ENGLISH = "en", _("English")

    resolution = models.OneToOneField(
        Resolution, on_delete=models.PROTECT, related_name="notice", verbose_name=_("resolution")
    )
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="+", verbose_name=_("call for applications"))
    sequence = models.PositiveIntegerField(_("sequence"))
    document_number = models.CharField(_("document number"), max_length=80, unique=True)
    verification_code = models.CharField(_("verification code"), max_length=18, unique=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.KOREAN)
    issued_on = models.DateField(_("date of issue"))
    # What the verification page shows: copied when the notice is made, so it never changes afterwards.
    recipient = models.CharField(_("recipient"), max_length=200)
    decision = models.CharField(_("decision"), max_length=30, choices=Resolution._meta.get_field("decision").choices)
    pdf = models.FileField(_("PDF"), upload_to=notice_path, max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    generated_at = models.DateTimeField(null=True, blank=True, verbose_name=_("generated at"))
    # Sending is a separate step: the secretariat previews the drafts, then sends them in bulk.
    message = models.OneToOneField(
        OutboxMessage,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decision_notice",
        verbose_name=_("outgoing e-mail"),
    )
    sent_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("sent by")
    )

    objects = DecisionNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("decision notice")
        verbose_name_plural = _("decision notices")
        ordering = ["call", "sequence"]
        constraints = [models.UniqueConstraint(fields=["call", "sequence"], name="one_notice_sequence_per_call")]

    def __str__(self):
        return self.document_number

    @property
    def is_ready(self) -> bool:
        return bool(self.pdf)

    @property
    def is_sent(self) -> bool:
        return self.message_id is not None

    @property
    def is_superseded(self) -> bool:
        """Its resolution was corrected: a newer notice replaces this one (so it is not pre-selected for sending)."""
        return self.resolution.status == Resolution.Status.SUPERSEDED

    @property
    def display_code(self) -> str:
        return format_code(self.verification_code)

    @property
    def filename(self) -> str:
        return f"{self.document_number}.pdf"
