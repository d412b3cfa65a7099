"""Experts, panels, assignments and conflicts of interest (conflicts are data with a source, as in HotCRP)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization, Region
from applications.models import Application, Call, Field

from .rubrics import Stage


class ExpertProfile(models.Model):
    """What conflict detection and load balancing need to know about an evaluator."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expert_profile", verbose_name=_("user")
    )
    affiliation = models.ForeignKey(
        Organization,
        verbose_name=_("affiliation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="experts",
    )
    position = models.CharField(_("position"), max_length=100, blank=True)
    region = models.ForeignKey(Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT)
    fields = models.ManyToManyField(Field, verbose_name=_("fields of expertise"), blank=True)

    class Meta:
        verbose_name = _("evaluator profile")
        verbose_name_plural = _("evaluator profiles")

    def __str__(self):
        return str(self.user)


class Panel(models.Model):
    """The evaluators of one call, field and stage (the subcommittee is a panel of the subcommittee stage)."""

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="panels")
    field = models.ForeignKey(Field, verbose_name=_("field"), on_delete=models.PROTECT, related_name="panels")
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.ADVISORY)
    name = models.CharField(_("panel name"), max_length=200)
    name_en = models.CharField(_("panel name (English)"), max_length=200, blank=True)
    reviewers_per_plan = models.PositiveSmallIntegerField(_("evaluators per plan"), default=5)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("members"), related_name="panels")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("panel")
        verbose_name_plural = _("panels")
        ordering = ["call", "stage", "field__sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["call", "field", "stage"], name="one_panel_per_call_field_stage")
        ]

    def __str__(self):
        return self.name

    @property
    def display_name(self) -> str:
        """The panel's name for people: its Korean name; in English its English name, or, where staff gave none,
        its field and stage (a panel is the one of its call for that field and stage), never the Korean name."""
        if get_language() == "en":
            if self.name_en:
                return self.name_en
            return _("%(field)s: %(stage)s") % {"field": self.field.name, "stage": self.get_stage_display()}
        return self.name

    @property
    def rubric(self):
        return self.call.rubrics.filter(stage=self.stage).first()

    def plans(self):
        """The plans of this panel's call and field that this stage evaluates."""
        return Application.objects.filter(call=self.call, field=self.field, status__in=self.stage_states())

    def stage_states(self):
        from applications.workflow import State

        if self.stage == Stage.ADVISORY:
            return (State.SCREENED, State.ADVISORY_REVIEW, State.SUBCOMMITTEE, State.COMMITTEE)
        return (State.SUBCOMMITTEE, State.COMMITTEE)


class AssignmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one answer to "which assignments may this user open": their own, unless they are conflicted with
        the plan (declared, detected or pinned). Nobody else, superusers included, opens an assignment."""
        from ..aggregates import conflicted  # the one test of "conflicted"; it reads these models

        if not user.is_authenticated:
            return self.none()
        return self.filter(reviewer=user).exclude(conflicted())


class Assignment(models.Model):
    class Declaration(models.TextChoices):
        PENDING = "pending", _("Not declared yet")
        NO_CONFLICT = "no_conflict", _("No conflict of interest")
        CONFLICT = "conflict", _("Conflict of interest declared")

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("panel"))
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="review_assignments", verbose_name=_("development plan")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="review_assignments",
        verbose_name=_("reviewer"),
    )
    declaration = models.CharField(
        _("conflict declaration"), max_length=20, choices=Declaration.choices, default=Declaration.PENDING
    )
    declared_at = models.DateTimeField(_("declared at"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("assigned by")
    )
    assigned_at = models.DateTimeField(default=timezone.now, verbose_name=_("assigned at"))

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["panel", "application", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "application", "reviewer"], name="one_assignment_per_reviewer")
        ]
        indexes = [models.Index(fields=["reviewer", "declaration"])]

    def __str__(self):
        return f"{self.application} ← {self.reviewer}"


class Conflict(models.Model):
    """A conflict of interest between an evaluator and a plan. Any conflict removes access to the plan."""

    class Source(models.TextChoices):
        DECLARED = "declared", _("Declared by the evaluator")
        DETECTED = "detected", _("Detected from affiliations")
        PINNED = "pinned", _("Set by ministry staff")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("development plan")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("user")
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(fields=["application", "user", "source"], name="one_conflict_per_source")
        ]

    def __str__(self):
        return f"{self.user} × {self.application} ({self.get_source_display()})"
