"""A meeting of the National Advanced Strategic Industry Committee and the plans on its agenda."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Application, Call
from core.validators import validate_sane_date


class Threshold(models.TextChoices):
    """How many is enough. Korean statutory committees use "more than half" for both attendance (of all
    members) and approval (of those present); the committee's rules may say otherwise, so it is data."""

    MORE_THAN_HALF = "more_than_half", _("More than half")
    HALF_OR_MORE = "half_or_more", _("Half or more")
    TWO_THIRDS_OR_MORE = "two_thirds_or_more", _("Two thirds or more")

    @classmethod
    def reached(cls, threshold: str, count: int, total: int) -> bool:
        if total <= 0:
            return False
        if threshold == cls.HALF_OR_MORE:
            return count * 2 >= total
        if threshold == cls.TWO_THIRDS_OR_MORE:
            return count * 3 >= total * 2
        return count * 2 > total

    @classmethod
    def needed(cls, threshold: str, total: int) -> int:
        """The smallest count that reaches the threshold."""
        return next((n for n in range(total + 1) if cls.reached(threshold, n, total)), total + 1)


class Meeting(models.Model):
    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="committee_meetings")
    number = models.PositiveSmallIntegerField(_("meeting number"), help_text=_("e.g. 7 for the 7th meeting"))
    held_at = models.DateTimeField(_("date and time"), validators=[validate_sane_date])
    place = models.CharField(_("place"), max_length=200)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("chair"), on_delete=models.PROTECT, related_name="+"
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members of the committee"), related_name="committee_meetings"
    )
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("members present"),
        related_name="committee_meetings_attended",
        blank=True,
    )
    attendance_threshold = models.CharField(
        _("quorum (members present, of all members)"),
        max_length=20,
        choices=Threshold.choices,
        default=Threshold.MORE_THAN_HALF,
    )
    approval_threshold = models.CharField(
        _("votes needed (in favour, of members present)"),
        max_length=20,
        choices=Threshold.choices,
        default=Threshold.MORE_THAN_HALF,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("committee meeting")
        verbose_name_plural = _("committee meetings")
        ordering = ["-held_at"]
        constraints = [models.UniqueConstraint(fields=["call", "number"], name="one_meeting_number_per_call")]

    def __str__(self):
        return _("Meeting no. %(number)s") % {"number": self.number}

    def counts(self) -> tuple[int, int]:
        """(members present, members of the committee), from prefetched rows when available."""
        return len(self.attendees.all()), len(self.members.all())

    @property
    def has_quorum(self) -> bool:
        present, members = self.counts()
        return Threshold.reached(self.attendance_threshold, present, members)

    @property
    def quorum_needed(self) -> int:
        return Threshold.needed(self.attendance_threshold, self.counts()[1])


class AgendaItem(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("committee meeting")
    )
    application = models.ForeignKey(
        Application, verbose_name=_("development plan"), on_delete=models.PROTECT, related_name="agenda_items"
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("added by")
    )
    added_at = models.DateTimeField(default=timezone.now, verbose_name=_("added at"))

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "application"], name="plan_once_per_meeting")]

    def __str__(self):
        return f"{self.meeting}: {self.application}"
