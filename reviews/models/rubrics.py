"""Rubrics (평가표): one per call and stage, with the stage's settings (due date, visibility, ranking rule)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Call
from applications.models.calls import Bilingual
from core.validators import validate_sane_date

RUBRIC_TOTAL = Decimal(100)


class Stage(models.TextChoices):
    ADVISORY = "advisory", _("Expert advisory review")
    SUBCOMMITTEE = "subcommittee", _("Subcommittee evaluation")


class RubricLocked(ValidationError):
    """Raised when something tries to change a rubric that already has scores entered against it."""


class Rubric(models.Model):
    class Visibility(models.TextChoices):
        NEVER = "never", _("Never: evaluators see only their own review")
        AFTER_SUBMITTING = "after_submitting", _("After submitting their own review")

    class RankingRule(models.TextChoices):
        TRIMMED_MEAN = "trimmed_mean", _("Trimmed mean (highest and lowest total dropped)")
        MEAN = "mean", _("Mean")
        MEDIAN = "median", _("Median")

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="rubrics")
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    due_at = models.DateTimeField(_("reviews due"), validators=[validate_sane_date])
    visibility = models.CharField(
        _("others' reviews visible"), max_length=20, choices=Visibility.choices, default=Visibility.NEVER
    )
    ranking_rule = models.CharField(
        _("ranking score"), max_length=20, choices=RankingRule.choices, default=RankingRule.TRIMMED_MEAN
    )
    trim_min_reviews = models.PositiveSmallIntegerField(
        _("drop highest and lowest from"),
        default=5,
        validators=[MinValueValidator(3)],
        help_text=_("With at least this many submitted reviews, the highest and the lowest total are dropped."),
    )
    disagreement_threshold = models.DecimalField(
        _("disagreement threshold (points)"),
        max_digits=5,
        decimal_places=1,
        default=Decimal(20),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("A plan is flagged when the highest and the lowest total differ by more than this."),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")
        ordering = ["call", "stage"]
        constraints = [models.UniqueConstraint(fields=["call", "stage"], name="one_rubric_per_call_stage")]

    def __str__(self):
        return f"{self.call} · {self.get_stage_display()}"

    @property
    def is_locked(self) -> bool:
        """Locked from the first score entered against any of its criteria."""
        from .evaluations import Score

        return Score.objects.filter(criterion__rubric=self, points__isnull=False).exists()

    def ensure_editable(self):
        if self.pk and self.is_locked:
            raise RubricLocked(_("Scores have been entered against this rubric; it can no longer be changed."))

    def total_points(self) -> Decimal:
        return self.criteria.aggregate(total=models.Sum("max_points"))["total"] or Decimal(0)

    def clean(self):
        # The due date and the stage settings may change under scores; what the scores belong to may not.
        previous = type(self).objects.filter(pk=self.pk).values("stage", "call_id").first() if self.pk else None
        if previous and (previous["stage"], previous["call_id"]) != (self.stage, self.call_id):
            self.ensure_editable()


def validate_half_points(value):
    if value is not None and (value * 2) != (value * 2).to_integral_value():
        raise ValidationError(_("Points are given in steps of 0.5."), code="half_points")


class Criterion(Bilingual, models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("rubric"))
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    title_ko = models.CharField(_("criterion (Korean)"), max_length=200)
    title_en = models.CharField(_("criterion (English)"), max_length=200, blank=True)
    guidance_ko = models.TextField(_("guidance (Korean)"), blank=True, max_length=4000)
    guidance_en = models.TextField(_("guidance (English)"), blank=True, max_length=4000)
    max_points = models.DecimalField(
        _("maximum points"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(100), validate_half_points],
    )
    comment_required = models.BooleanField(_("comment required"), default=True)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["rubric", "position", "pk"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # The last line of defence: views and admin refuse earlier, with a message.
        self.rubric.ensure_editable()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.rubric.ensure_editable()
        return super().delete(*args, **kwargs)

    @property
    def title(self):
        return self.localized("title")

    @property
    def guidance(self):
        return self.localized("guidance")
