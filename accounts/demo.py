"""Demo accounts, one per role, and the organisations they belong to (see README.md)."""

from django.contrib.auth.models import Group
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import roles
from .models import Membership, Organization, Region, User
from .rules import needs_second_factor

DEMO_PASSWORD = "demo-portal-2026"
# The demo accounts whose role requires a second factor share this authenticator key (README.md shows it as
# base32 and as a QR code; `manage.py demo_otp_code` prints the current code). Demo data only.
DEMO_TOTP_KEY = "89b221e9162bc798b3124ceebf26ee4b5ec3e53b"
DEMO_TOTP_DEVICE = "demo authenticator"

ORGANIZATIONS = {
    "ulsan": dict(
        kind=Organization.Kind.METROPOLITAN,
        name_ko="울산광역시",
        name_en="Ulsan Metropolitan City",
        region="31",
        status=Organization.Status.APPROVED,
        address="울산광역시 남구 중앙로 201",
    ),
    "gyeongbuk": dict(
        kind=Organization.Kind.METROPOLITAN,
        name_ko="경상북도",
        name_en="Gyeongsangbuk-do",
        region="47",
        status=Organization.Status.APPROVED,
        address="경상북도 안동시 풍천면 도청대로 455",
    ),
    "hanbit": dict(
        kind=Organization.Kind.COMPANY,
        name_ko="한빛이차전지소재 주식회사",
        name_en="Hanbit Battery Materials Co., Ltd.",
        business_number="617-86-00006",
        region="31",
        status=Organization.Status.PENDING,
        address="울산광역시 울주군 온산읍 산업로 100",
    ),
    "kiat": dict(
        kind=Organization.Kind.PUBLIC_INSTITUTION,
        name_ko="한국산업기술진흥원",
        name_en="Korea Institute for Advancement of Technology",
        business_number="305-87-00003",
        region="11",
        status=Organization.Status.APPROVED,
    ),
}

# email, full name, organisation key and membership role (or None), staff roles, admin, description
ACCOUNTS = [
    ("admin@demo.kr", "관리자", None, None, [], True, "configuration admin (/admin/)"),
    ("staff@demo.kr", "김담당 (산업부)", None, None, [roles.MINISTRY_STAFF], False, "ministry staff"),
    (
        "applicant@demo.kr",
        "이울산 (울산광역시)",
        "ulsan",
        Membership.Role.OWNER,
        [],
        False,
        "applicant: owner of Ulsan Metropolitan City (approved)",
    ),
    (
        "applicant2@demo.kr",
        "박경북 (경상북도)",
        "gyeongbuk",
        Membership.Role.OWNER,
        [],
        False,
        "applicant: owner of Gyeongsangbuk-do (approved)",
    ),
    (
        "company@demo.kr",
        "최한빛 (한빛이차전지소재)",
        "hanbit",
        Membership.Role.OWNER,
        [],
        False,
        "applicant: owner of a company still pending approval",
    ),
    (
        "expert@demo.kr",
        "정전문 (KIAT)",
        "kiat",
        Membership.Role.VIEWER,
        [roles.EXPERT],
        False,
        "expert advisory panel member",
    ),
    ("subcommittee@demo.kr", "강분과 위원", None, None, [roles.SUBCOMMITTEE_MEMBER], False, "subcommittee member"),
    (
        "chair@demo.kr",
        "윤분과 위원장",
        None,
        None,
        [roles.SUBCOMMITTEE_MEMBER, roles.SUBCOMMITTEE_CHAIR],
        False,
        "subcommittee chair",
    ),
    ("secretariat@demo.kr", "한사무 (위원회 사무국)", None, None, [roles.SECRETARIAT], False, "committee secretariat"),
    (
        "committee@demo.kr",
        "오위원 (국가첨단전략산업위원회)",
        None,
        None,
        [roles.COMMITTEE_MEMBER],
        False,
        "committee member",
    ),
]


def seed():
    organizations = {}
    for key, data in ORGANIZATIONS.items():
        data = dict(data)
        region = Region.objects.get(code=data.pop("region"))
        org, _ = Organization.objects.update_or_create(name_ko=data["name_ko"], defaults={**data, "region": region})
        if org.status != Organization.Status.PENDING and org.decided_at is None:
            org.decided_at = timezone.now()
            org.save(update_fields=["decided_at"])
        organizations[key] = org
    rows = []
    for email, full_name, org_key, role, staff_roles, is_admin, description in ACCOUNTS:
        user = User.objects.filter(email=email).first() or User(email=email)
        user.full_name = full_name
        user.is_staff = user.is_superuser = is_admin
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set(Group.objects.filter(name__in=staff_roles))
        if org_key:
            Membership.objects.update_or_create(user=user, organization=organizations[org_key], defaults={"role": role})
        if needs_second_factor(user):
            TOTPDevice.objects.filter(user=user).exclude(name=DEMO_TOTP_DEVICE).delete()
            TOTPDevice.objects.update_or_create(
                user=user, name=DEMO_TOTP_DEVICE, defaults={"key": DEMO_TOTP_KEY, "confirmed": True}
            )
            description += " + two-step sign-in (demo authenticator key, see README)"
        rows.append((email, description))
    return rows
