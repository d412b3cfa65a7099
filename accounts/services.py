"""Every change to accounts and organisations: one function per transition, in a transaction."""

from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core import states
from core.clock import kst_date
from core.outbox import queue_email

from .models import Membership, Organization, User
from .selectors import ministry_staff_emails


def _absolute(path: str) -> str:
    from django.conf import settings

    return f"{settings.PORTAL_BASE_URL}{path}"


@transaction.atomic
def register_applicant(*, user_form, organization_form, language: str = "ko") -> User | None:
    """Create the account and its organisation (pending approval); the user becomes its owner.

    An address that already has an account gets an e-mail saying so (at most one a day) and nothing is
    created; the caller answers exactly as for a new account, so the form never tells who is registered."""
    existing = User.objects.filter(email__iexact=user_form.cleaned_data["email"]).first()
    if existing is not None:
        make_password(user_form.cleaned_data.get("password1"))  # the same work as creating an account
        queue_email(
            to=[existing.email],
            template="accounts/email/registration_existing",
            context={
                "user": existing,
                "login_url": _absolute(reverse("accounts:login")),
                "reset_url": _absolute(reverse("accounts:password_reset")),
            },
            reference=f"accounts.registration_existing:{existing.pk}:{kst_date().isoformat()}",
            language=language,
        )
        return None
    user = user_form.save()
    organization = organization_form.save(commit=False)
    organization.status = Organization.Status.PENDING
    organization.save()
    Membership.objects.create(user=user, organization=organization, role=Membership.Role.OWNER)
    queue_email(
        to=[user.email],
        template="accounts/email/registration_received",
        context={"user": user, "organization": organization},
        reference=f"accounts.organization:{organization.pk}:registered",
        language=language,
    )
    staff = ministry_staff_emails()
    if staff:  # staff learn of it at once (and find it on their My page): approval gates every submission
        queue_email(
            to=staff,
            template="accounts/email/registration_for_staff",
            context={
                "organization": organization,
                "user": user,
                "queue_url": _absolute(reverse("accounts:approval_queue")),
            },
            reference=f"accounts.organization:{organization.pk}:staff_told",
        )
    return user


def _decide(actor: User, organization: Organization, status: str, reason: str) -> Organization:
    if not actor.has_perm("accounts.review_organizations"):
        raise PermissionDenied
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=organization.pk)
        if org.status != Organization.Status.PENDING:
            return org  # already decided (e.g. a second click): nothing changes, no second e-mail
        states.move(org, status)
        org.status_reason = reason
        org.decided_by = actor
        org.decided_at = timezone.now()
        org.save(update_fields=["status", "status_reason", "decided_by", "decided_at"])
        owners = list(
            User.objects.filter(memberships__organization=org, memberships__role=Membership.Role.OWNER).values_list(
                "email", flat=True
            )
        )
        queue_email(
            to=owners,
            template=f"accounts/email/organization_{status}",
            context={"organization": org, "reason": reason, "login_url": _absolute(reverse("accounts:login"))},
            reference=f"accounts.organization:{org.pk}:{status}",
            created_by=actor,
        )
    return org


def approve_organization(actor: User, organization: Organization) -> Organization:
    return _decide(actor, organization, Organization.Status.APPROVED, "")


def reject_organization(actor: User, organization: Organization, reason: str) -> Organization:
    return _decide(actor, organization, Organization.Status.REJECTED, reason)


@transaction.atomic
def add_member(actor: User, organization: Organization, *, email: str, full_name: str, role: str) -> Membership:
    """Add a person to an organisation. Someone without an account gets one, and an e-mail to set a password."""
    if not actor.has_perm("accounts.manage_members", organization):
        raise PermissionDenied
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User.objects.create_user(email=email, password=None, full_name=full_name)
    membership = Membership.objects.create(user=user, organization=organization, role=role)
    context = {"organization": organization, "actor": actor, "membership": membership, "user": user}
    if created:
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        context["set_password_url"] = _absolute(
            reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
        )
    else:
        context["login_url"] = _absolute(reverse("accounts:login"))
    queue_email(
        to=[user.email],
        template="accounts/email/member_added",
        context=context,
        reference=f"accounts.membership:{membership.pk}:added",
        created_by=actor,
    )
    return membership
