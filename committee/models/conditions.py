"""The conditions of a conditional designation, followed up to the end: each has a due date; the applicant
answers it with text and files; ministry staff accept the answer or ask again."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from core.validators import validate_sane_date

from .resolutions import Resolution


class Condition(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting the applicant")
        ANSWERED = "answered", _("Answer under review")
        MET = "met", _("Met")

    # The only moves a condition makes (core.states.move, from committee.services): answered, then accepted
    # as met or sent back (asked again) with the staff's note.
    TRANSITIONS = {
        Status.OPEN: {Status.ANSWERED},
        Status.ANSWERED: {Status.MET, Status.OPEN},
        Status.MET: set(),
    }

    resolution = models.ForeignKey(
        Resolution, on_delete=models.PROTECT, related_name="condition_items", verbose_name=_("resolution")
    )
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="conditions", verbose_name=_("development plan")
    )
    position = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("condition"), max_length=4000)
    due_on = models.DateField(_("due"), validators=[validate_sane_date])
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    met_at = models.DateTimeField(null=True, blank=True, verbose_name=_("met at"))

    class Meta:
        verbose_name = _("condition")
        verbose_name_plural = _("conditions")
        ordering = ["application", "position"]
        constraints = [
            models.UniqueConstraint(fields=["application", "position"], name="one_condition_number_per_plan")
        ]

    def __str__(self):
        return f"{self.application} — {self.position}"


def answer_path(instance, filename):
    from applications.uploads import generated_name

    return f"committee/conditions/{instance.condition.application_id}/{generated_name(filename)}"


class ConditionAnswer(models.Model):
    """One answer of the applicant to a condition, and the staff's verdict on it."""

    condition = models.ForeignKey(
        Condition, on_delete=models.PROTECT, related_name="answers", verbose_name=_("condition")
    )
    text = models.TextField(_("answer"), max_length=20000)
    file = models.FileField(_("file"), upload_to=answer_path, max_length=255, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_type = models.CharField(max_length=100, blank=True, verbose_name=_("file type"))
    file_sha256 = models.CharField(max_length=64, blank=True, verbose_name=_("file SHA-256"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by")
    )
    submitted_at = models.DateTimeField(default=timezone.now, verbose_name=_("submitted at"))
    accepted = models.BooleanField(null=True, verbose_name=_("accepted"))
    staff_note = models.TextField(_("note from the ministry"), max_length=4000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("decided at"))

    class Meta:
        verbose_name = _("answer to a condition")
        verbose_name_plural = _("answers to conditions")
        ordering = ["condition", "submitted_at", "pk"]

    def __str__(self):
        return f"{self.condition} — {self.submitted_at:%Y-%m-%d}"
