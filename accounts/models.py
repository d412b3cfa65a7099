"""Users (log in by e-mail), organisations (applicant bodies and reviewers' affiliations), memberships,
and regions as dated reference data."""

import datetime

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.clock import kst_date

from . import roles
from .validators import normalize_business_number, validate_business_number, validate_corporate_number


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_staff = models.BooleanField(
        _("admin site access"), default=False, help_text=_("May log in to the configuration admin.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self):
        return f"{self.full_name} <{self.email}>" if self.full_name else self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name

    def has_role(self, role: str) -> bool:
        """Whether the user holds a staff-side role (a group). Cached per request on the instance."""
        if not self.is_authenticated:
            return False
        if not hasattr(self, "_role_cache"):
            self._role_cache = set(self.groups.values_list("name", flat=True))
        return role in self._role_cache

    @property
    def staff_roles(self):
        return [label for name, label in roles.STAFF_ROLES.items() if self.has_role(name)]


class RegionQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date):
        return self.filter(valid_from__lte=day).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))

    def current(self):
        return self.valid_on(kst_date())


class Region(models.Model):
    """A metropolitan-level government area. Never edited in place when borders or names change:
    the old row gets a valid_to and a new row starts, so records keep the region they were made under."""

    class Kind(models.TextChoices):
        SPECIAL_CITY = "special_city", _("Special city")
        METROPOLITAN_CITY = "metropolitan_city", _("Metropolitan city")
        SPECIAL_SELF_GOVERNING_CITY = "special_self_governing_city", _("Special self-governing city")
        PROVINCE = "province", _("Province")
        SPECIAL_SELF_GOVERNING_PROVINCE = "special_self_governing_province", _("Special self-governing province")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name_ko = models.CharField(_("name (Korean)"), max_length=50)
    name_en = models.CharField(_("name (English)"), max_length=80)
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("succeeded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["sort_order", "valid_from", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="region_valid_range",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.name_en if get_language() == "en" else self.name_ko


class OrganizationQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Organization.Status.APPROVED)

    def pending(self):
        return self.filter(status=Organization.Status.PENDING)

    def of_user(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user)


class Organization(models.Model):
    class Kind(models.TextChoices):
        CENTRAL_AGENCY = "central_agency", _("Central administrative agency")
        METROPOLITAN = "metropolitan", _("Metropolitan city or province")
        COMPANY = "company", _("Related company")
        PUBLIC_INSTITUTION = "public_institution", _("Public institution")
        RESEARCH = "research", _("University or research institute")

    # Kinds that may lead an application (docs/ARCHITECTURE.md, domain facts); the others take part or employ reviewers.
    APPLICANT_KINDS = (Kind.CENTRAL_AGENCY, Kind.METROPOLITAN, Kind.COMPANY)
    # Kinds registered under a business registration number; governments use other identifiers.
    KINDS_WITH_BUSINESS_NUMBER = (Kind.COMPANY,)

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    # The only moves an organisation makes (core.states.move, from accounts.services): staff decide once.
    TRANSITIONS = {
        Status.PENDING: {Status.APPROVED, Status.REJECTED},
        Status.APPROVED: set(),
        Status.REJECTED: set(),
    }

    kind = models.CharField(_("kind of organisation"), max_length=30, choices=Kind.choices)
    name_ko = models.CharField(_("name (Korean)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    business_number = models.CharField(
        _("business registration number"),
        max_length=12,
        null=True,
        blank=True,
        unique=True,
        help_text=_("10 digits, e.g. 124-81-00998. Required for companies."),
        error_messages={
            "unique": _(
                "An organisation with this business registration number is already "
                "registered. Ask its owner to add you as a member."
            )
        },
    )
    corporate_number = models.CharField(
        _("corporate registration number"),
        max_length=14,
        blank=True,
        help_text=_("13 digits, e.g. 130111-0006246 (optional)."),
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organizations",
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    status_reason = models.TextField(_("reason"), blank=True, max_length=4000)
    decided_by = models.ForeignKey(
        User, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_ko"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # An absent number is stored as NULL so that the unique constraint only compares real numbers.
        self.business_number = normalize_business_number(self.business_number) or None
        super().save(*args, **kwargs)

    @property
    def name(self):
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name_ko

    def contact_emails(self) -> list[str]:
        """Who is written to about the organisation's plans: its owners and editors (viewers only read)."""
        return list(
            self.memberships.filter(role__in=(Membership.Role.OWNER, Membership.Role.EDITOR)).values_list(
                "user__email", flat=True
            )
        )

    def owner_emails(self) -> list[str]:
        """Who answers for the organisation itself (an invitation to take part in another's plan)."""
        return list(self.memberships.filter(role=Membership.Role.OWNER).values_list("user__email", flat=True))

    @property
    def is_approved(self):
        return self.status == self.Status.APPROVED

    def clean(self):
        super().clean()
        errors = {}
        if self.business_number:
            self.business_number = normalize_business_number(self.business_number)
            try:
                validate_business_number(self.business_number)
            except ValidationError as exc:
                errors["business_number"] = exc.messages
        elif self.kind in self.KINDS_WITH_BUSINESS_NUMBER:
            errors["business_number"] = [_("A company must give its business registration number.")]
        if self.corporate_number:
            try:
                validate_corporate_number(self.corporate_number)
            except ValidationError as exc:
                errors["corporate_number"] = exc.messages
        if self.kind == self.Kind.METROPOLITAN and not self.region_id:
            errors["region"] = [_("A metropolitan city or province must name its region.")]
        if errors:
            raise ValidationError(errors)


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        EDITOR = "editor", _("Editor")
        VIEWER = "viewer", _("Viewer")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user"))
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.EDITOR)
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organization", "role", "user"]
        constraints = [models.UniqueConstraint(fields=["user", "organization"], name="one_membership_per_org")]

    def __str__(self):
        return f"{self.user} @ {self.organization} ({self.get_role_display()})"

    @property
    def can_edit(self):
        return self.role in (self.Role.OWNER, self.Role.EDITOR)
