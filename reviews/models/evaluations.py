"""Reviews and their scores, subcommittee notes, the chair's recommendation and the review packet PDF."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Application, PlanVersion
from core.validators import validate_sane_date

from .panels import Assignment
from .rubrics import Criterion, validate_half_points


class Review(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    # The only moves a review makes (core.states.move, from reviews.services): submitted, and reopened by staff.
    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.DRAFT},
    }

    # PROTECT: deleting a panel or an assignment never takes reviews and scores with it; a draft review is
    # removed only by services.unassign, which refuses once the review was ever submitted and audits.
    assignment = models.OneToOneField(
        Assignment, on_delete=models.PROTECT, related_name="review", verbose_name=_("assignment")
    )
    # The frozen version the evaluator read (never the live draft).
    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("plan version"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    overall_opinion = models.TextField(_("overall opinion"), blank=True, max_length=8000)
    # Sum of the criterion scores, written in the database when the review is submitted.
    total = models.DecimalField(_("total"), max_digits=5, decimal_places=1, null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # Set by staff when they reopen a review: the evaluator may submit until then despite the stage's due date.
    reopened_until = models.DateTimeField(_("reopened until"), null=True, blank=True)
    revision = models.PositiveIntegerField(default=0, verbose_name=_("revision"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        indexes = [models.Index(fields=["status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(total__isnull=False, submitted_at__isnull=False),
                name="submitted_review_has_total",
            )
        ]

    def __str__(self):
        return f"{self.assignment} ({self.get_status_display()})"

    @property
    def is_submitted(self):
        return self.status == self.Status.SUBMITTED

    @property
    def was_submitted(self):
        """Submitted now, or submitted once and reopened by staff (only a submitted review can be reopened)."""
        return self.is_submitted or self.reopened_until is not None


class Score(models.Model):
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="scores", verbose_name=_("review"))
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="scores", verbose_name=_("criterion")
    )
    points = models.DecimalField(
        _("points"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), validate_half_points],
    )
    comment = models.TextField(_("comment"), blank=True, max_length=4000)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["review", "criterion__position"]
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="one_score_per_criterion"),
            models.CheckConstraint(condition=models.Q(points__gte=0), name="score_not_negative"),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.points}"


class SubcommitteeNote(models.Model):
    class Kind(models.TextChoices):
        PRESENTATION = "presentation", _("Presentation")
        SITE_VISIT = "site_visit", _("Site visit")
        OTHER = "other", _("Other")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="subcommittee_notes", verbose_name=_("development plan")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    held_on = models.DateField(_("date"), null=True, blank=True, validators=[validate_sane_date])
    text = models.TextField(_("notes"), max_length=10000)
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("subcommittee note")
        verbose_name_plural = _("subcommittee notes")
        ordering = ["application", "created_at"]

    def __str__(self):
        return f"{self.application}: {self.get_kind_display()}"


class Recommendation(models.Model):
    """The subcommittee chair's final recommendation; finalising it refers the plan to the committee."""

    class Decision(models.TextChoices):
        RECOMMEND = "recommend", _("Recommend designation")
        RECOMMEND_WITH_CONDITIONS = "recommend_with_conditions", _("Recommend with conditions")
        DO_NOT_RECOMMEND = "do_not_recommend", _("Do not recommend")

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="recommendation", verbose_name=_("development plan")
    )
    decision = models.CharField(_("recommendation"), max_length=30, choices=Decision.choices)
    conditions = models.TextField(_("conditions"), blank=True, max_length=8000)
    reasons = models.TextField(_("reasons"), max_length=8000)
    # The stage results at the time of finalising (frozen: the committee and the notice quote them).
    summary = models.JSONField(_("score summary"), default=dict)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("finalised by")
    )
    finalised_at = models.DateTimeField(_("finalised at"))

    class Meta:
        verbose_name = _("subcommittee recommendation")
        verbose_name_plural = _("subcommittee recommendations")

    def __str__(self):
        return f"{self.application}: {self.get_decision_display()}"


def packet_path(instance, filename):
    return f"review-packets/{instance.version.application_id}/{filename}"


class ReviewPacket(models.Model):
    """The review packet PDF of one frozen version: produced once by Celery, then served."""

    # Renders tried (each run of the task counts, retries and sweeps included): a packet whose render keeps
    # failing or timing out is given up after this many, not re-queued by the sweep forever.
    MAX_ATTEMPTS = 3

    version = models.OneToOneField(
        PlanVersion, on_delete=models.PROTECT, related_name="review_packet", verbose_name=_("plan version")
    )
    pdf = models.FileField(upload_to=packet_path, max_length=255, blank=True, verbose_name=_("PDF"))
    sha256 = models.CharField(max_length=64, blank=True, verbose_name=_("SHA-256"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(default=timezone.now, verbose_name=_("requested at"))
    generated_at = models.DateTimeField(null=True, blank=True, verbose_name=_("generated at"))
    attempts = models.PositiveSmallIntegerField(_("render attempts"), default=0)

    class Meta:
        verbose_name = _("review packet")
        verbose_name_plural = _("review packets")

    def __str__(self):
        return f"{self.version}"

    @property
    def is_ready(self):
        return bool(self.pdf)
