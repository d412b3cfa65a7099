"""A frozen version's stored content is the official record: the same plan must always freeze to the same bytes.

The figures below were taken from the code before the submit was made cheaper (issue 12: the completeness check
and the snapshot read the plan's rows once; the snapshot reads the sections' field lists without building their
forms). Any change to what a submission stores, or to the bytes PostgreSQL keeps of it, fails here.
"""

import datetime
import hashlib
import json

import pytest
from django.db import connection

from accounts.models import Membership, Region
from applications import services, snapshot
from applications.models import (
    AnchorCompany,
    Application,
    Attachment,
    ExistingComplex,
    InfrastructureNeed,
    PlanNarrative,
    PlanVersion,
    Site,
)
from tests.factories import (
    KST,
    ApplicationFactory,
    CallFactory,
    FieldFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ARRIVED = datetime.datetime(2026, 2, 20, 10, 0, tzinfo=KST)
UPLOADED = datetime.datetime(2026, 2, 1, 9, 0, tzinfo=KST)

# sha256 of the canonical JSON (snapshot.digest, what the receipt prints) and of the text PostgreSQL stores
# (content::text), per version: (plan, version number) -> (digest, stored text's sha256).
PINNED = {
    ("battery", 1): (
        "71cb576092ba678942d1c553cf98dd8b5fd8ab6d2e4232f284cd056a299b7bba",
        "8fb049f88ed068cdd7e2c4c766628e1013984cc1bead6def31ebe3e378549867",
    ),
    ("battery", 2): (
        "ce1b9573e1e88af6da03e39980546b7953bc22b34f0a9f8e787c114a77b992f9",
        "9c45bd4cdd8c1ac80f6f9e2ed21b28874cc071fbd084880684b697ad7c83b467",
    ),
    ("chips", 1): (
        "3faebf572ac2ee3064c6ccdd472297b72045891971e5ca8dee2439153931d734",
        "754b41dc8b0bd2ec6819fde44cefc536cbe62bf065673d6f5da7c357392dedee",
    ),
}


def _plan(call, field, organization, owner, title, *, linked=None):
    plan = ApplicationFactory(call=call, field=field, organization=organization, created_by=owner, title=title)
    Application.objects.filter(pk=plan.pk).update(
        summary="원료 정련부터 재활용까지 한 단지에서 잇는다.",
        total_investment_krw=2_300_000_000_000,
        total_direct_jobs=1250,
    )
    Site.objects.filter(application=plan).update(
        name="온산 이차전지 원료 특화단지",
        region=Region.objects.get(code="31"),
        city_county="울주군",
        address="온산읍 산암로 1",
        area_m2="1250000.50",
        complex_type=Site.ComplexType.MIXED,
        linked_complex=linked,
        value_chain_stage=Site.ValueChainStage.MATERIALS if linked else "",
    )
    PlanNarrative.objects.filter(application=plan).update(
        participating_firms=42,
        supplier_firms=None,
        key_products="수산화리튬\n황산니켈",
        ecosystem="원료-소재-셀-재활용 기업 간 장기 공급계약",
        training_programs="계약학과 운영",
        people_trained=1200,
        rnd_scope="고순도 수산화리튬 정련 기술",
        local_land="산업용지 50만 m² 우선 공급",
        local_budget_krw=35_000_000_000,
        regional_balance="비수도권 제조업 일자리 창출",
        indirect_jobs=3000,
    )
    # Rows made out of order: the snapshot lists anchors and needs by position, files by kind and upload time.
    for position, name, number, investment, jobs in (
        (1, "두번째소재", "305-87-00003", 800_000_000_000, 400),
        (0, "한빛이차전지소재", "617-86-00006", 1_500_000_000_000, 850),
    ):
        AnchorCompany.objects.create(
            application=plan,
            name=name,
            business_number=number,
            investment_krw=investment,
            period_start=2026,
            period_end=2030,
            direct_jobs=jobs,
            position=position,
        )
    InfrastructureNeed.objects.create(
        application=plan, kind="water", description="공업용수 관로", amount_krw=50_000_000_000, position=1
    )
    InfrastructureNeed.objects.create(
        application=plan,
        kind="power",
        description="154kV 변전소 신설",
        amount_krw=120_000_000_000,
        state_share_krw=60_000_000_000,
    )
    files = [
        ("site_map", "부지도.pdf", 3, None),
        ("plan_document", "계획서.pdf", 1, None),
        ("investment_mou", "MOU.pdf", 2, None),
        ("other", "추가자료-나중.pdf", 5, None),
        ("other", "추가자료-먼저.pdf", 4, None),
        ("other", "지운자료.pdf", 6, UPLOADED),  # removed from the draft: not in the snapshot
    ]
    for kind, name, minutes, removed in files:
        Attachment.objects.create(
            application=plan,
            kind=kind,
            file=f"applications/{plan.pk}/{minutes}.pdf",
            original_name=name,
            content_type="application/pdf",
            size=1000 + minutes,
            sha256=hashlib.sha256(name.encode()).hexdigest(),
            uploaded_by=owner,
            uploaded_at=UPLOADED + datetime.timedelta(minutes=minutes),
            removed_at=removed,
        )
    return plan


@pytest.fixture
def plans(db):
    battery = FieldFactory(code="BAT", name_ko="이차전지 기초 원료", links_existing_complex=True)
    chips = FieldFactory(code="SEM", name_ko="반도체", name_en="Semiconductors", links_existing_complex=False)
    cheongju = ExistingComplex.objects.create(field=battery, name_ko="청주 이차전지 특화단지", name_en="Cheongju")
    call = CallFactory(slug="pinned", fields=[battery, chips])
    organization = OrganizationFactory(name_ko="울산광역시", name_en="Ulsan Metropolitan City")
    owner = UserFactory(email="owner@ulsan.kr")
    MembershipFactory(user=owner, organization=organization, role=Membership.Role.OWNER)
    return {
        "battery": (_plan(call, battery, organization, owner, "울산 이차전지 원료 특화단지", linked=cheongju), owner),
        "chips": (_plan(call, chips, organization, owner, "용인 반도체 특화단지"), owner),
    }


def _stored(version: PlanVersion) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT content::text FROM applications_planversion WHERE id = %s", [version.pk])
        text = cursor.fetchone()[0]
    return version.sha256, hashlib.sha256(text.encode()).hexdigest()


def _canonical(content) -> str:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def test_a_submission_stores_the_same_bytes_as_before(plans):
    if connection.vendor != "postgresql":
        pytest.skip("the stored text is PostgreSQL's jsonb rendering")
    battery, owner = plans["battery"]
    chips, _owner = plans["chips"]
    found = {}
    first = services.submit(owner, Application.objects.get(pk=battery.pk), at=ARRIVED)
    found["battery", 1] = _stored(first)
    Site.objects.filter(application=battery).update(area_m2="1300000")
    Attachment.objects.filter(application=battery, original_name="추가자료-먼저.pdf").update(removed_at=ARRIVED)
    amended = services.submit(owner, Application.objects.get(pk=battery.pk), at=ARRIVED)
    found["battery", 2] = _stored(amended)
    found["chips", 1] = _stored(services.submit(owner, Application.objects.get(pk=chips.pk), at=ARRIVED))
    shown = {
        key: _canonical(PlanVersion.objects.get(application_id=plans[key[0]][0].pk, number=key[1]).content)
        for key in found
    }
    assert found == PINNED, json.dumps(shown, ensure_ascii=False, indent=1)


def test_serialize_gives_the_same_content_as_before(plans):
    """The snapshot of a plan read afresh, without a submission (the unsubmitted-changes comparison)."""
    for key in ("battery", "chips"):
        plan, _owner = plans[key]
        content = snapshot.serialize(snapshot.load(plan))
        assert snapshot.digest(content) == SERIALIZED[key], _canonical(content)


SERIALIZED = {
    "battery": "c5bf91aff365632e61bf6310674810868ef1b0209a4fe0ed222fa9552899e914",
    "chips": "bb2ae999abfefff403336ff0c288867f6d1b32f5f966f41787423af4edf88a5c",
}
