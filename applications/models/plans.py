"""The development plan (특화단지 육성계획): an application, its sections, files and frozen versions."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Organization, Region
from accounts.validators import validate_business_number
from applications.workflow import State

from .calls import Call, ExistingComplex, Field

# Bounds on what an applicant types. Amounts: 1,000 trillion won a row, so that the plan's totals over its
# (at most 50) rows stay far inside a bigint; years: the programme's horizon; text: what a reviewer reads and
# what the review packet renders (WeasyPrint time grows with it).
MAX_KRW = 10**15
MAX_COUNT = 10_000_000
MAX_YEAR = 2100
SUMMARY_LENGTH = 4000
SHORT_TEXT_LENGTH = 2000
TEXT_LENGTH = 6000
LONG_TEXT_LENGTH = 10000


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one answer to "which applications may this user see" (applicant side and staff)."""
        from accounts import roles

        if not user.is_authenticated:
            return self.none()
        if user.is_superuser or user.has_role(roles.MINISTRY_STAFF):
            return self
        # Subqueries, not joins: no duplicate rows, so no DISTINCT to get in the way of ordering and counts.
        mine = Membership.objects.filter(user=user).values("organization")
        taking_part = Participation.objects.accepted().filter(organization__in=mine).values("application")
        return self.filter(Q(organization__in=mine) | Q(pk__in=taking_part))


class Application(models.Model):
    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="applications")
    field = models.ForeignKey(Field, verbose_name=_("field"), on_delete=models.PROTECT, related_name="applications")
    organization = models.ForeignKey(
        Organization, verbose_name=_("applicant organisation"), on_delete=models.PROTECT, related_name="applications"
    )
    title = models.CharField(_("plan title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True, max_length=SUMMARY_LENGTH)
    status = models.CharField(_("status"), max_length=40, choices=State.choices, default=State.DRAFT, editable=False)
    receipt_number = models.CharField(
        _("receipt number"), max_length=30, unique=True, null=True, blank=True, editable=False
    )
    submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True, editable=False)
    # Staff's reason when a plan is found ineligible or a stage is overridden (the audit trail keeps all).
    status_reason = models.TextField(_("reason"), blank=True, editable=False)
    # Denormalised for lists and the public designation page; recomputed when the anchor rows change.
    total_investment_krw = models.BigIntegerField(_("total planned investment (KRW)"), default=0, editable=False)
    total_direct_jobs = models.PositiveIntegerField(_("total direct jobs"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("development plan")
        verbose_name_plural = _("development plans")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["call", "field", "status"])]

    def __str__(self):
        return self.title

    def get_status_display(self) -> str:
        """Django's get_FOO_display, without its cost: Django hashes every choice's lazy label (a translation
        lookup each) on every call, ~60 us for the 14 states; lists call it once a row (issue 12)."""
        try:
            return str(State(self.status).label)
        except ValueError:
            return str(self.status)

    @property
    def latest_version(self):
        return self.versions.order_by("-number").first()


class PlanSection(models.Model):
    """Revision counter of one section of one plan, so that two editors never overwrite each other."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="sections", verbose_name=_("development plan")
    )
    key = models.CharField(max_length=30, verbose_name=_("key"))
    revision = models.PositiveIntegerField(default=0, verbose_name=_("revision"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("updated by")
    )
    updated_at = models.DateTimeField(null=True, verbose_name=_("updated at"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "key"], name="one_section_row")]

    def __str__(self):
        return f"{self.application_id}:{self.key}@{self.revision}"


class Site(models.Model):
    class ComplexType(models.TextChoices):
        NEW = "new", _("New complex")
        EXISTING = "existing", _("Existing industrial complex")
        MIXED = "mixed", _("Existing and new areas")

    class ValueChainStage(models.TextChoices):
        RAW_MATERIALS = "raw_materials", _("Raw materials")
        MATERIALS = "materials", _("Materials")
        CELLS = "cells", _("Cells")
        RECYCLING = "recycling", _("Recycling")

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="site", verbose_name=_("development plan")
    )
    name = models.CharField(_("site name"), max_length=200, blank=True)
    region = models.ForeignKey(Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT)
    city_county = models.CharField(_("city / county / district"), max_length=100, blank=True)
    address = models.CharField(_("location"), max_length=255, blank=True)
    area_m2 = models.DecimalField(
        _("area (m²)"), max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(1)]
    )
    complex_type = models.CharField(
        _("new or existing complex"), max_length=10, choices=ComplexType.choices, blank=True
    )
    linked_complex = models.ForeignKey(
        ExistingComplex, verbose_name=_("linked existing complex"), null=True, blank=True, on_delete=models.PROTECT
    )
    value_chain_stage = models.CharField(
        _("value-chain stage"), max_length=20, choices=ValueChainStage.choices, blank=True
    )

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")

    def __str__(self):
        return self.name


class AnchorCompany(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="anchor_companies", verbose_name=_("development plan")
    )
    name = models.CharField(_("company name"), max_length=200)
    business_number = models.CharField(
        _("business registration number"), max_length=12, validators=[validate_business_number]
    )
    investment_krw = models.PositiveBigIntegerField(
        _("planned investment (KRW)"), validators=[MaxValueValidator(MAX_KRW)]
    )
    period_start = models.PositiveSmallIntegerField(
        _("investment from (year)"), validators=[MinValueValidator(2000), MaxValueValidator(MAX_YEAR)]
    )
    period_end = models.PositiveSmallIntegerField(
        _("investment until (year)"), validators=[MinValueValidator(2000), MaxValueValidator(MAX_YEAR)]
    )
    direct_jobs = models.PositiveIntegerField(_("direct jobs"), validators=[MaxValueValidator(MAX_COUNT)])
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("sort position"))

    class Meta:
        verbose_name = _("anchor company")
        verbose_name_plural = _("anchor companies")
        ordering = ["application", "position", "pk"]
        indexes = [models.Index(fields=["business_number"])]

    def __str__(self):
        return self.name

    def clean(self):
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("The investment cannot end before it starts.")})


class InfrastructureNeed(models.Model):
    class Kind(models.TextChoices):
        POWER = "power", _("Power")
        WATER = "water", _("Industrial water")
        WASTEWATER = "wastewater", _("Wastewater treatment")
        ROADS = "roads", _("Roads and access")
        RND_EQUIPMENT = "rnd_equipment", _("Shared R&D equipment")
        OTHER = "other", _("Other")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="infrastructure_needs", verbose_name=_("development plan")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.CharField(_("what is needed"), max_length=300)
    amount_krw = models.PositiveBigIntegerField(_("total cost (KRW)"), validators=[MaxValueValidator(MAX_KRW)])
    state_share_krw = models.PositiveBigIntegerField(
        _("requested from the state (KRW)"), default=0, validators=[MaxValueValidator(MAX_KRW)]
    )
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("sort position"))

    class Meta:
        verbose_name = _("infrastructure need")
        verbose_name_plural = _("infrastructure needs")
        ordering = ["application", "position", "pk"]

    def __str__(self):
        return self.description

    def clean(self):
        if self.amount_krw is not None and self.state_share_krw is not None and self.state_share_krw > self.amount_krw:
            raise ValidationError({"state_share_krw": _("The state's share cannot exceed the total cost.")})


class PlanNarrative(models.Model):
    """The written sections of a plan: ecosystem, workforce, R&D, local support, regulation, effects."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="narrative", verbose_name=_("development plan")
    )
    participating_firms = models.PositiveIntegerField(
        _("participating firms"), null=True, blank=True, validators=[MaxValueValidator(MAX_COUNT)]
    )
    supplier_firms = models.PositiveIntegerField(
        _("suppliers and customers in the region"), null=True, blank=True, validators=[MaxValueValidator(MAX_COUNT)]
    )
    key_products = models.TextField(_("key products"), blank=True, max_length=SHORT_TEXT_LENGTH)
    ecosystem = models.TextField(
        _("supplier-customer ecosystem and cooperation"), blank=True, max_length=LONG_TEXT_LENGTH
    )
    training_programs = models.TextField(_("training programs"), blank=True, max_length=TEXT_LENGTH)
    people_trained = models.PositiveIntegerField(
        _("people to be trained"), null=True, blank=True, validators=[MaxValueValidator(MAX_COUNT)]
    )
    universities = models.TextField(_("universities and institutes involved"), blank=True, max_length=SHORT_TEXT_LENGTH)
    rnd_scope = models.TextField(_("R&D and technology scope"), blank=True, max_length=LONG_TEXT_LENGTH)
    rnd_targets = models.TextField(_("technical targets"), blank=True, max_length=TEXT_LENGTH)
    local_land = models.TextField(_("land supply"), blank=True, max_length=TEXT_LENGTH)
    local_tax = models.TextField(_("tax incentives"), blank=True, max_length=TEXT_LENGTH)
    local_permits = models.TextField(_("permits and fast-track procedures"), blank=True, max_length=TEXT_LENGTH)
    local_budget_krw = models.PositiveBigIntegerField(
        _("local government budget (KRW)"), null=True, blank=True, validators=[MaxValueValidator(MAX_KRW)]
    )
    regulatory_relief = models.TextField(_("regulatory relief requested"), blank=True, max_length=TEXT_LENGTH)
    indirect_jobs = models.PositiveIntegerField(
        _("indirect jobs expected"), null=True, blank=True, validators=[MaxValueValidator(MAX_COUNT)]
    )
    regional_balance = models.TextField(
        _("contribution to balanced regional development"), blank=True, max_length=TEXT_LENGTH
    )
    expected_effects = models.TextField(_("other expected effects"), blank=True, max_length=TEXT_LENGTH)

    class Meta:
        verbose_name = _("plan narrative")
        verbose_name_plural = _("plan narratives")

    def __str__(self):
        return str(self.application)


class ParticipationQuerySet(models.QuerySet):
    def accepted(self):
        """The one answer to "does this organisation take part": only once its owner accepted the invitation
        (read access to the plan and detected conflicts both follow it)."""
        return self.filter(status=Participation.Status.ACCEPTED)

    def waiting(self):
        return self.filter(status=Participation.Status.INVITED)

    def answerable_by(self, user):
        """Invitations (in any state) addressed to an organisation this user owns: only an owner answers."""
        if not user.is_authenticated:
            return self.none()
        owned = Membership.objects.filter(user=user, role=Membership.Role.OWNER).values("organization")
        return self.filter(organization__in=owned)


class Participation(models.Model):
    """A registered organisation invited to take part in a plan. Once its owner accepts, its members read the
    plan (they do not edit it) and it counts for conflicts; until then, or after a refusal, it is only named."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    class Role(models.TextChoices):
        ANCHOR = "anchor", _("Anchor company")
        AGENCY = "agency", _("Participating agency")
        RESEARCH = "research", _("University or research partner")
        OTHER = "other", _("Other participant")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="participations", verbose_name=_("development plan")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="participations", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("added by")
    )
    added_at = models.DateTimeField(default=timezone.now, verbose_name=_("added at"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.INVITED)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responded by"),
    )

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        verbose_name = _("participating organisation")
        verbose_name_plural = _("participating organisations")
        constraints = [models.UniqueConstraint(fields=["application", "organization"], name="one_participation")]

    def __str__(self):
        return f"{self.organization} ({self.get_role_display()})"


def attachment_path(instance, filename):
    from applications.uploads import generated_name

    return f"applications/{instance.application_id}/{generated_name(filename)}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        PLAN_DOCUMENT = "plan_document", _("Development plan (PDF)")
        INVESTMENT_MOU = "investment_mou", _("Investment MOU")
        SITE_MAP = "site_map", _("Site map")
        OTHER = "other", _("Other supporting document")

    REQUIRED_KINDS = (Kind.PLAN_DOCUMENT, Kind.INVESTMENT_MOU, Kind.SITE_MAP)

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("development plan")
    )
    kind = models.CharField(_("document type"), max_length=20, choices=Kind.choices)
    file = models.FileField(upload_to=attachment_path, max_length=255, verbose_name=_("file"))
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("detected type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(default=timezone.now, verbose_name=_("uploaded at"))
    # Files of a submitted version are never deleted; removing one from the draft only hides it.
    removed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("removed at"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["kind", "uploaded_at"]

    def __str__(self):
        return self.original_name


# A receipt whose rendering failed this many rounds (a round: the task and its retries) is given up: the sweep
# stops re-queueing it, it no longer counts as waiting ahead of others, and staff see it on their to-do list.
RECEIPT_ROUNDS = 3


class PlanVersionQuerySet(models.QuerySet):
    def receipt_waiting(self):
        """Versions whose receipt is still to be produced (the worker or the sweep will try again)."""
        return self.filter(receipt_pdf="", receipt_failures__lt=RECEIPT_ROUNDS)

    def receipt_given_up(self):
        """Versions whose receipt could not be produced in RECEIPT_ROUNDS rounds: staff must step in."""
        return self.filter(receipt_pdf="", receipt_failures__gte=RECEIPT_ROUNDS)


class PlanVersion(models.Model):
    """A frozen snapshot of the plan at a submission (or amendment): reviewers always read one of these."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="versions", verbose_name=_("development plan")
    )
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("content"))
    sha256 = models.CharField(_("SHA-256 of the content"), max_length=64)
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by")
    )
    receipt_pdf = models.FileField(_("receipt"), max_length=255, blank=True)
    receipt_sha256 = models.CharField(max_length=64, blank=True, verbose_name=_("receipt SHA-256"))
    receipt_failures = models.PositiveSmallIntegerField(
        _("failed receipt rounds"), default=0, help_text=_("Rounds in which the receipt PDF could not be rendered.")
    )

    objects = PlanVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["application", "number"]
        constraints = [models.UniqueConstraint(fields=["application", "number"], name="one_version_number")]

    def __str__(self):
        return f"{self.application} v{self.number}"

    @property
    def receipt_given_up(self) -> bool:
        return not self.receipt_pdf and self.receipt_failures >= RECEIPT_ROUNDS


class ReceiptCounter(models.Model):
    """The last receipt sequence per call and field (locked when a plan is first submitted)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, verbose_name=_("call for applications"))
    field = models.ForeignKey(Field, on_delete=models.CASCADE, verbose_name=_("field"))
    last = models.PositiveIntegerField(default=0, verbose_name=_("last number"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["call", "field"], name="one_counter_per_call_field")]

    def __str__(self):
        return f"{self.call_id}/{self.field_id}: {self.last}"
