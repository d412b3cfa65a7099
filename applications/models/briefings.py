"""The briefing session on a call (설명회) and the applicants' questions (질의응답)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from core.clock import format_kst
from core.validators import validate_sane_date

from .calls import Bilingual, Call


class BriefingSession(Bilingual, models.Model):
    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, related_name="briefings", verbose_name=_("call for applications")
    )
    starts_at = models.DateTimeField(_("starts at"), validators=[validate_sane_date])
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True, validators=[validate_sane_date])
    place_ko = models.CharField(_("place (Korean)"), max_length=200)
    place_en = models.CharField(_("place (English)"), max_length=250, blank=True)
    capacity = models.PositiveIntegerField(_("capacity (people)"))
    notes_ko = models.TextField(_("notes (Korean)"), blank=True, max_length=4000)
    notes_en = models.TextField(_("notes (English)"), blank=True, max_length=4000)

    class Meta:
        verbose_name = _("briefing session")
        verbose_name_plural = _("briefing sessions")
        ordering = ["starts_at"]

    def __str__(self):
        return f"{self.call} — {format_kst(self.starts_at)}"

    @property
    def place(self) -> str:
        """Where, in the active language (Korean when no English is given)."""
        return self.localized("place")

    @property
    def notes(self) -> str:
        return self.localized("notes")


class BriefingRegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(cancelled_at__isnull=True)


class BriefingRegistration(models.Model):
    session = models.ForeignKey(
        BriefingSession, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("briefing session")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="briefing_registrations", verbose_name=_("organisation")
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    attendees = models.PositiveSmallIntegerField(_("number of attendees"), default=1)
    attendee_names = models.CharField(_("attendee names"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    objects = BriefingRegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("briefing registration")
        verbose_name_plural = _("briefing registrations")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "organization"],
                condition=Q(cancelled_at__isnull=True),
                name="one_active_registration_per_org",
            )
        ]

    def __str__(self):
        return f"{self.organization} @ {self.session}"


class Question(models.Model):
    """A question about a call. Private to the asking organisation until staff publish it, anonymised,
    as a FAQ entry."""

    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, related_name="questions", verbose_name=_("call for applications")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="questions", verbose_name=_("organisation")
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("asked by")
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("question"), max_length=4000)
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    answer = models.TextField(_("answer"), blank=True, max_length=8000)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # The public FAQ wording is edited by staff so that it names nobody.
    faq_published = models.BooleanField(_("published as FAQ"), default=False)
    faq_question = models.TextField(_("FAQ question"), blank=True, max_length=4000)
    faq_answer = models.TextField(_("FAQ answer"), blank=True, max_length=8000)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["-created_at"]

    def __str__(self):
        return self.subject

    @property
    def is_answered(self):
        return bool(self.answered_at)
