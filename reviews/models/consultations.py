"""The consultation with related ministries (관계부처 협의): an opinion asked of a ministry about one plan,
between the expert panel and the subcommittee, and the ministry's answer as recorded by staff."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from core.validators import validate_sane_date


def opinion_path(instance, filename):
    from applications.uploads import generated_name

    return f"consultations/{instance.application_id}/{generated_name(filename)}"


class Consultation(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="consultations", verbose_name=_("development plan")
    )
    ministry = models.CharField(_("ministry"), max_length=100)
    question = models.TextField(_("what is asked"), max_length=4000, blank=True)
    due_on = models.DateField(_("opinion due"), validators=[validate_sane_date])
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(default=timezone.now, verbose_name=_("requested at"))
    opinion = models.TextField(_("opinion"), max_length=20000, blank=True)
    opinion_file = models.FileField(_("opinion (file)"), upload_to=opinion_path, max_length=255, blank=True)
    opinion_file_name = models.CharField(_("file name"), max_length=255, blank=True)
    opinion_file_type = models.CharField(max_length=100, blank=True, verbose_name=_("opinion file type"))
    opinion_file_sha256 = models.CharField(max_length=64, blank=True, verbose_name=_("opinion file SHA-256"))
    opinion_dated = models.DateField(_("dated"), null=True, blank=True, validators=[validate_sane_date])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(null=True, blank=True, verbose_name=_("recorded at"))

    class Meta:
        verbose_name = _("consultation with a ministry")
        verbose_name_plural = _("consultations with ministries")
        ordering = ["application", "requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "ministry"], name="one_consultation_per_ministry_and_plan")
        ]

    def __str__(self):
        return f"{self.application} — {self.ministry}"

    @property
    def answered(self) -> bool:
        return self.recorded_at is not None
