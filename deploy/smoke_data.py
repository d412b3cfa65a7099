"""Data for scripts/compose-smoke.sh, run inside the portal's container on an empty, migrated database:

    python deploy/smoke_data.py EMAIL PASSWORD      -> prints the id of a complete draft plan

An approved organisation with one owner (EMAIL, PASSWORD) and a complete draft plan (every section and the
required PDFs) in a call open until tomorrow. The submit itself is done over HTTP through nginx.
"""

import datetime
import hashlib
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Membership, Organization, Region, User  # noqa: E402
from applications.models import (  # noqa: E402
    AnchorCompany,
    Application,
    Attachment,
    Call,
    Field,
    InfrastructureNeed,
    PlanNarrative,
    Site,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

email, password = sys.argv[1], sys.argv[2]
now = timezone.now()
field, _ = Field.objects.get_or_create(code="BAT", defaults={"name_ko": "이차전지 기초 원료", "name_en": "Battery"})
call, _ = Call.objects.get_or_create(
    slug="smoke",
    defaults={
        "title_ko": "스모크 시험 공모",
        "title_en": "Smoke-test call",
        "authority_ko": "산업통상부",
        "authority_en": "Ministry of Trade and Industry",
        "issuer_title_ko": "산업통상부장관",
        "issuer_title_en": "Minister of Trade and Industry",
        "document_number_prefix": "첨단산업정책과",
        "opens_at": now - datetime.timedelta(days=1),
        "deadline": now + datetime.timedelta(days=1),
        "published": True,
    },
)
call.fields.set([field])
organization = Organization.objects.create(
    kind=Organization.Kind.METROPOLITAN,
    name_ko="스모크광역시",
    name_en="Smoke Metropolitan City",
    region=Region.objects.current().first(),
    status=Organization.Status.APPROVED,
)
user = User.objects.create(email=email, full_name="스모크 신청자")
user.set_password(password)
user.save()
Membership.objects.create(user=user, organization=organization, role=Membership.Role.OWNER)

plan = Application.objects.create(
    call=call, field=field, organization=organization, title="스모크 특화단지", created_by=user
)
Site.objects.update_or_create(
    application=plan,
    defaults={
        "name": "스모크 특화단지",
        "region": Region.objects.get(code="31"),
        "city_county": "울주군",
        "area_m2": 1_250_000,
        "complex_type": Site.ComplexType.EXISTING,
    },
)
PlanNarrative.objects.update_or_create(
    application=plan,
    defaults={
        "participating_firms": 42,
        "ecosystem": "공급계약",
        "training_programs": "계약학과",
        "people_trained": 1200,
        "rnd_scope": "정련 기술",
        "local_land": "산업용지",
        "regional_balance": "일자리",
    },
)
AnchorCompany.objects.create(
    application=plan,
    name="한빛이차전지소재",
    business_number="617-86-00006",
    investment_krw=1_500_000_000_000,
    period_start=2026,
    period_end=2030,
    direct_jobs=850,
)
InfrastructureNeed.objects.create(
    application=plan, kind="power", description="변전소", amount_krw=120_000_000_000, state_share_krw=60_000_000_000
)
plan.summary = "스모크 시험용 육성계획."
plan.total_investment_krw = 1_500_000_000_000
plan.total_direct_jobs = 850
plan.save()
for kind in Attachment.REQUIRED_KINDS:
    attachment = Attachment(
        application=plan,
        kind=kind,
        original_name=f"{kind}.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256=hashlib.sha256(PDF).hexdigest(),
        uploaded_by=user,
    )
    attachment.file.save(f"{kind}.pdf", ContentFile(PDF), save=False)
    attachment.save()
print(plan.pk)
