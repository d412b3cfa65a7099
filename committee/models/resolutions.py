"""The committee's resolution on one agenda item: recorded as a draft, confirmed (then locked), and only ever
corrected by a new resolution that supersedes it."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.workflow import State

from .meetings import AgendaItem


class Decision(models.TextChoices):
    DESIGNATED = "designated", _("Designated")
    DESIGNATED_WITH_CONDITIONS = "designated_with_conditions", _("Designated with conditions")
    NOT_DESIGNATED = "not_designated", _("Not designated")
    DEFERRED = "deferred", _("Deferred")


# The plan's state after a confirmed decision (the workflow states share the values on purpose).
DECISION_STATES = {
    Decision.DESIGNATED: State.DESIGNATED,
    Decision.DESIGNATED_WITH_CONDITIONS: State.DESIGNATED_WITH_CONDITIONS,
    Decision.NOT_DESIGNATED: State.NOT_DESIGNATED,
    Decision.DEFERRED: State.DEFERRED,
}
DESIGNATIONS = (Decision.DESIGNATED, Decision.DESIGNATED_WITH_CONDITIONS)


def minutes_path(instance, filename):
    from applications.uploads import generated_name

    return f"committee/minutes/{instance.agenda_item.meeting_id}/{generated_name(filename)}"


class ResolutionQuerySet(models.QuerySet):
    def current(self):
        return self.filter(status=Resolution.Status.CONFIRMED)


class Resolution(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CONFIRMED = "confirmed", _("Confirmed")
        SUPERSEDED = "superseded", _("Superseded by a correction")

    # The only moves a resolution makes (core.states.move, from committee.services). A correction is a new
    # resolution created confirmed; the one it replaces becomes superseded and stays as it was.
    TRANSITIONS = {
        Status.DRAFT: {Status.CONFIRMED},
        Status.CONFIRMED: {Status.SUPERSEDED},
        Status.SUPERSEDED: set(),
    }

    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.PROTECT, related_name="resolutions", verbose_name=_("agenda item")
    )
    decision = models.CharField(_("decision"), max_length=30, choices=Decision.choices)
    conditions = models.TextField(_("conditions"), blank=True, max_length=8000)
    reasons = models.TextField(_("reasons"), max_length=8000)
    votes_for = models.PositiveSmallIntegerField(_("votes in favour"))
    votes_against = models.PositiveSmallIntegerField(_("votes against"))
    votes_abstaining = models.PositiveSmallIntegerField(_("abstentions"))
    # Frozen at recording: attendance may not change a confirmed resolution after the fact.
    members_present = models.PositiveSmallIntegerField(_("members present"))
    members_total = models.PositiveSmallIntegerField(_("members of the committee"))
    minutes = models.FileField(_("minutes (PDF)"), upload_to=minutes_path, max_length=255)
    minutes_name = models.CharField(_("file name"), max_length=255)
    minutes_sha256 = models.CharField(_("SHA-256 of the minutes"), max_length=64)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
        verbose_name=_("supersedes"),
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True, max_length=4000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(default=timezone.now, verbose_name=_("recorded at"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("confirmed at"))

    objects = ResolutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["agenda_item", "-recorded_at"]
        constraints = [
            # At most one live (draft or confirmed) resolution per agenda item: a correction supersedes first.
            models.UniqueConstraint(
                fields=["agenda_item"],
                condition=~models.Q(status="superseded"),
                name="one_live_resolution_per_item",
            ),
            models.CheckConstraint(
                condition=~models.Q(decision="designated_with_conditions") | ~models.Q(conditions=""),
                name="conditions_given_when_conditional",
            ),
        ]

    def __str__(self):
        return f"{self.agenda_item}: {self.get_decision_display()}"

    @property
    def application(self):
        return self.agenda_item.application

    @property
    def is_locked(self) -> bool:
        return self.status != self.Status.DRAFT
