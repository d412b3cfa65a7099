"""The call for applications: fields, issuing authority, windows, guideline documents, deadline changes."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.clock import kst_date
from core.validators import validate_sane_date


class Bilingual:
    """`name` / `title` in the active language, falling back to Korean."""

    def localized(self, stem: str) -> str:
        english = getattr(self, f"{stem}_en", "")
        return english if get_language() == "en" and english else getattr(self, f"{stem}_ko")


class Field(Bilingual, models.Model):
    """An industry field a call covers (robots, defense, batteries...). Staff add fields for later calls."""

    code = models.CharField(
        _("receipt code"), max_length=8, unique=True, help_text=_("Used in receipt numbers, e.g. BAT.")
    )
    name_ko = models.CharField(_("name (Korean)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=150)
    description_ko = models.TextField(_("description (Korean)"), blank=True, max_length=20000)
    description_en = models.TextField(_("description (English)"), blank=True, max_length=20000)
    links_existing_complex = models.BooleanField(
        _("plans link to an existing complex"),
        default=False,
        help_text=_("Plans in this field name the existing complex and the value-chain stage they cover."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.localized("name")

    @property
    def description(self):
        return self.localized("description")


class ExistingComplex(Bilingual, models.Model):
    """An already designated complex a new plan can link to (e.g. the Cheongju battery complex)."""

    field = models.ForeignKey(
        Field, verbose_name=_("field"), on_delete=models.PROTECT, related_name="existing_complexes"
    )
    name_ko = models.CharField(_("name (Korean)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=150)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("existing complex")
        verbose_name_plural = _("existing complexes")
        ordering = ["field", "sort_order"]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.localized("name")


class CallQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)


class Call(Bilingual, models.Model):
    slug = models.SlugField(_("address"), unique=True)
    # Receipt numbers read PREFIX-FIELD-NNN. The prefix is unique per call, so two calls closing in the same
    # year can never hand out the same number; it is fixed once the first receipt was issued.
    receipt_prefix = models.CharField(
        _("receipt-number prefix"),
        max_length=12,
        unique=True,
        blank=True,
        validators=[RegexValidator(r"^[A-Z0-9]+$", _("Use capital letters A-Z and digits only."))],
        help_text=_("Receipt numbers read PREFIX-BAT-001. Left empty, the deadline's year is used (2026, 2026B, …)."),
    )
    title_ko = models.CharField(_("title (Korean)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=250)
    summary_ko = models.TextField(_("summary (Korean)"), blank=True, max_length=20000)
    summary_en = models.TextField(_("summary (English)"), blank=True, max_length=20000)
    eligibility_ko = models.TextField(_("who may apply (Korean)"), blank=True, max_length=20000)
    eligibility_en = models.TextField(_("who may apply (English)"), blank=True, max_length=20000)
    procedure_ko = models.TextField(_("how to apply (Korean)"), blank=True, max_length=20000)
    procedure_en = models.TextField(_("how to apply (English)"), blank=True, max_length=20000)
    fields = models.ManyToManyField(Field, verbose_name=_("fields"), related_name="calls")
    # The issuing authority is data: the ministry was renamed in October 2025 and may be again.
    authority_ko = models.CharField(_("issuing authority (Korean)"), max_length=100)
    authority_en = models.CharField(_("issuing authority (English)"), max_length=150)
    issuer_title_ko = models.CharField(_("issuer (Korean)"), max_length=100, help_text=_("e.g. 산업통상부장관"))
    issuer_title_en = models.CharField(_("issuer (English)"), max_length=150)
    seal_text = models.CharField(_("seal text"), max_length=100, blank=True)
    document_number_prefix = models.CharField(
        _("document-number prefix"),
        max_length=50,
        help_text=_("e.g. 첨단산업정책과; notices are numbered PREFIX-1234."),
    )
    authority_address = models.CharField(_("authority address"), max_length=255, blank=True)
    authority_phone = models.CharField(_("authority phone"), max_length=50, blank=True)
    opens_at = models.DateTimeField(_("submissions open"), validators=[validate_sane_date])
    deadline = models.DateTimeField(_("submission deadline"), validators=[validate_sane_date])
    announcement_at = models.DateTimeField(
        _("results announced"), null=True, blank=True, validators=[validate_sane_date]
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False, verbose_name=_("created at"))

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("call for applications")
        verbose_name_plural = _("calls for applications")
        ordering = ["-deadline"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deadline__gt=models.F("opens_at")), name="call_deadline_after_opening"
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.receipt_prefix:
            self.receipt_prefix = self.free_receipt_prefix()
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.pk and self.receipt_prefix:
            stored = Call.objects.filter(pk=self.pk).values_list("receipt_prefix", flat=True).first()
            if stored and stored != self.receipt_prefix and self.applications.exclude(receipt_number=None).exists():
                raise ValidationError(
                    {
                        "receipt_prefix": _(
                            "Receipts have already been issued with this prefix; it can no longer change."
                        )
                    }
                )

    def free_receipt_prefix(self) -> str:
        """The deadline's year, or the year and the first free letter (2026, 2026B, 2026C, ...)."""
        year = str(self.year)
        taken = set(
            Call.objects.exclude(pk=self.pk)
            .filter(receipt_prefix__startswith=year)
            .values_list("receipt_prefix", flat=True)
        )
        for suffix in ["", *"BCDEFGHJKLMNPQRSTUVWXYZ"]:
            if year + suffix not in taken:
                return year + suffix
        raise ValidationError(_("Choose a receipt-number prefix for this call."))

    @property
    def title(self):
        return self.localized("title")

    @property
    def summary(self):
        return self.localized("summary")

    @property
    def eligibility(self):
        return self.localized("eligibility")

    @property
    def procedure(self):
        return self.localized("procedure")

    @property
    def authority(self):
        return self.localized("authority")

    @property
    def issuer_title(self):
        return self.localized("issuer_title")

    @property
    def year(self) -> int:
        return kst_date(self.deadline).year


def call_document_path(instance, filename):
    from applications.uploads import generated_name

    return f"calls/{instance.call_id}/{generated_name(filename)}"


class CallDocument(models.Model):
    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, related_name="documents", verbose_name=_("call for applications")
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=call_document_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255, editable=False)
    size = models.PositiveBigIntegerField(_("size"), default=0, editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("guideline document")
        verbose_name_plural = _("guideline documents")
        ordering = ["call", "sort_order", "pk"]

    def __str__(self):
        return self.title


class DeadlineExtension(models.Model):
    """Every change of a call's deadline, by whom and why (there are no per-applicant exceptions)."""

    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, related_name="deadline_extensions", verbose_name=_("call for applications")
    )
    previous_deadline = models.DateTimeField(_("previous deadline"))
    new_deadline = models.DateTimeField(_("new deadline"), validators=[validate_sane_date])
    reason = models.TextField(_("reason"), max_length=4000)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("actor")
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.call}: {self.previous_deadline:%Y-%m-%d %H:%M} → {self.new_deadline:%Y-%m-%d %H:%M}"
