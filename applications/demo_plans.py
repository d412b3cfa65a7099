"""Demo plans of the 2026 call, submitted before the deadline, received and screened through the services,
so that the review and committee rooms have real plans to work on. Idempotent: skipped once present."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from accounts.models import Membership, Organization, Region, User
from core import korean
from core.clock import KST

from . import briefing_services, deadline, services
from .models import (
    AnchorCompany,
    Application,
    Call,
    ExistingComplex,
    InfrastructureNeed,
    PlanNarrative,
    Question,
    Site,
)
from .workflow import State

SUBMITTED_AT = datetime.datetime(2026, 2, 25, 15, 0, tzinfo=KST)
SCREENED_AT = datetime.datetime(2026, 3, 6, 10, 0, tzinfo=KST)
MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

# (owner e-mail, organisation ko/en, region code, field, title, site, city, area m², anchor, business no., KRW, jobs)
PLANS = [
    (
        "applicant@demo.kr",
        None,
        None,
        "31",
        "BAT",
        "울산 온산 이차전지 기초원료 특화단지",
        "온산 국가산업단지",
        "울주군",
        1_250_000,
        "한빛이차전지소재",
        "617-86-00006",
        1_500_000_000_000,
        850,
    ),
    (
        "applicant2@demo.kr",
        None,
        None,
        "47",
        "BAT",
        "포항 블루밸리 이차전지 원료 특화단지",
        "포항 블루밸리 국가산단",
        "포항시 남구",
        2_100_000,
        "영일리튬",
        "124-81-00998",
        2_300_000_000_000,
        1200,
    ),
    (
        "chungbuk@demo.kr",
        "충청북도",
        "Chungcheongbuk-do",
        "43",
        "BAT",
        "청주 오창 전구체 원료 특화단지",
        "오창과학산업단지",
        "청주시 청원구",
        980_000,
        "오창전구체",
        "220-81-62517",
        900_000_000_000,
        540,
    ),
    (
        "gyeongnam@demo.kr",
        "경상남도",
        "Gyeongsangnam-do",
        "48",
        "DEF",
        "창원 첨단 항공엔진 특화단지",
        "창원 국가산업단지",
        "창원시 성산구",
        1_600_000,
        "한결에어로엔진",
        "101-81-28464",
        3_100_000_000_000,
        2100,
    ),
    (
        "daegu@demo.kr",
        "대구광역시",
        "Daegu Metropolitan City",
        "27",
        "ROB",
        "대구 휴머노이드 로봇 특화단지",
        "대구 국가로봇테스트필드",
        "달성군",
        1_050_000,
        "달구벌로보틱스",
        "513-86-01232",
        1_200_000_000_000,
        980,
    ),
    (
        "gyeonggi@demo.kr",
        "경기도",
        "Gyeonggi-do",
        "41",
        "ROB",
        "판교·광교 휴머노이드 클러스터",
        "광교 테크노밸리",
        "수원시 영통구",
        600_000,
        "경기휴머노이드",
        "135-86-15555",
        800_000_000_000,
        400,
    ),
    (
        "jeonbuk@demo.kr",
        "전북특별자치도",
        "Jeonbuk State",
        "52",
        "BAT",
        "새만금 이차전지 기초원료 재활용 특화단지",
        "새만금 국가산업단지",
        "군산시",
        1_400_000,
        "새만금리사이클",
        "211-86-04008",
        1_100_000_000_000,
        620,
    ),
]
# This plan stays received, so that ministry staff have a plan to screen right after `make run`.
LEFT_FOR_SCREENING = "새만금 이차전지 기초원료 재활용 특화단지"


def _owner(email, name_ko, name_en, region_code):
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=f"{name_ko} 담당자")
    membership = Membership.objects.filter(user=user, role=Membership.Role.OWNER).select_related("organization").first()
    if membership:
        return user, membership.organization
    organization = Organization.objects.create(
        kind=Organization.Kind.METROPOLITAN,
        name_ko=name_ko,
        name_en=name_en,
        region=Region.objects.get(code=region_code),
        status=Organization.Status.APPROVED,
    )
    Membership.objects.create(user=user, organization=organization, role=Membership.Role.OWNER)
    return user, organization


def _fill(application, region_code, site, city, area, anchor, number, krw, jobs):
    application.summary = korean.resolve(
        f"{site}을(를) 중심으로 {application.field.name_ko} 공급망과 앵커기업 투자를 결집한다."
    )
    application.save(update_fields=["summary"])
    Site.objects.filter(application=application).update(
        name=site,
        region=Region.objects.get(code=region_code),
        city_county=city,
        area_m2=area,
        complex_type=Site.ComplexType.EXISTING,
    )
    if application.field.links_existing_complex:
        linked = ExistingComplex.objects.filter(field=application.field, name_ko__startswith=city[:2]).first()
        Site.objects.filter(application=application).update(
            linked_complex=linked or ExistingComplex.objects.filter(field=application.field).first(),
            value_chain_stage=Site.ValueChainStage.RAW_MATERIALS,
        )
    PlanNarrative.objects.filter(application=application).update(
        participating_firms=35,
        ecosystem="소재-부품-완제품 기업 간 장기 공급계약 및 공동 R&D",
        training_programs="지역 대학 계약학과와 재직자 전환 교육",
        people_trained=1000,
        rnd_scope="핵심 공정 국산화와 실증",
        local_land="산업용지 우선 공급 및 분양가 인하",
        regional_balance="비수도권 제조업 일자리 창출",
    )
    AnchorCompany.objects.create(
        application=application,
        name=anchor,
        business_number=number,
        investment_krw=krw,
        period_start=2026,
        period_end=2031,
        direct_jobs=jobs,
    )
    InfrastructureNeed.objects.create(
        application=application,
        kind=InfrastructureNeed.Kind.POWER,
        description="154kV 변전소 신설",
        amount_krw=120_000_000_000,
        state_share_krw=60_000_000_000,
    )
    Application.objects.filter(pk=application.pk).update(total_investment_krw=krw, total_direct_jobs=jobs)


def seed(call: Call, staff) -> list[Application]:
    if call.applications.exclude(status=State.DRAFT).exists():
        return list(call.applications.exclude(status=State.DRAFT))
    fields = {f.code: f for f in call.fields.all()}
    for email, name_ko, name_en, region, code, title, site, city, area, anchor, number, krw, jobs in PLANS:
        user, organization = _owner(email, name_ko, name_en, region)
        at = SUBMITTED_AT - datetime.timedelta(days=3)
        # The demo plays the applicant before the deadline: the services check the instant they are given.
        application = Application.objects.create(
            call=call, field=fields[code], organization=organization, title=title, created_by=user, created_at=at
        )
        Site.objects.create(application=application)
        PlanNarrative.objects.create(application=application)
        _fill(application, region, site, city, area, anchor, number, krw, jobs)
        for kind in ("plan_document", "investment_mou", "site_map"):
            upload = SimpleUploadedFile(f"{kind}.pdf", MINIMAL_PDF, content_type="application/pdf")
            services.upload_attachment(user, application, kind=kind, upload=upload, at=at)
        services.submit(user, application, at=SUBMITTED_AT)
    services.close_call(call, at=deadline.closes_at(call))
    for application in call.applications.filter(status=State.RECEIVED).exclude(title=LEFT_FOR_SCREENING):
        services.screen(staff, application, eligible=True, at=SCREENED_AT)
    return list(call.applications.all())


PRACTICE_DRAFT = "[연습] 울산 이차전지 원료 특화단지 초안"


def seed_practice_draft(practice: Call) -> Application | None:
    """applicant@demo.kr has a draft in the practice call with its plan document uploaded: the draft's pages
    (attachments, removing one, withdrawing) are there to try, and a new plan can still be started."""
    user = User.objects.filter(email="applicant@demo.kr").first()
    membership = user and Membership.objects.filter(user=user, role=Membership.Role.OWNER).first()
    if membership is None:
        return None
    existing = practice.applications.filter(title=PRACTICE_DRAFT, organization=membership.organization).first()
    if existing:
        return existing
    now = timezone.now()
    draft = services.create_application(
        user,
        call=practice,
        field=practice.fields.get(code="BAT"),
        organization=membership.organization,
        title=PRACTICE_DRAFT,
        at=now,
    )
    upload = SimpleUploadedFile("plan_document.pdf", MINIMAL_PDF, content_type="application/pdf")
    services.upload_attachment(user, draft, kind="plan_document", upload=upload, at=now)
    return draft


def seed_questions(call: Call, practice: Call, staff) -> None:
    """Questions from applicant@demo.kr's organisation: one on the 2026 call, answered before the deadline and
    published as a FAQ entry, and one on the practice call that waits for staff's answer."""
    user = User.objects.filter(email="applicant@demo.kr").first()
    membership = user and Membership.objects.filter(user=user, role=Membership.Role.OWNER).first()
    if membership is None or Question.objects.filter(organization=membership.organization).exists():
        return
    organization = membership.organization
    asked = datetime.datetime(2026, 1, 20, 10, 0, tzinfo=KST)
    answered = briefing_services.ask_question(
        user,
        call,
        organization=organization,
        subject="투자 확약서(MOU)의 효력 기준",
        body="앵커기업과 체결한 투자 양해각서(MOU)가 법적 구속력이 없는 경우에도 투자 확약으로 인정되는지 문의드립니다.",
        at=asked,
    )
    answer = (
        "구속력 있는 투자협약이 가장 높게 평가되나, 양해각서도 투자 규모·시기·자금 조달 계획이 구체적으로 "
        "적혀 있으면 투자 확약으로 제출할 수 있습니다."
    )
    briefing_services.answer_question(staff, answered, answer=answer, at=asked + datetime.timedelta(days=2))
    briefing_services.publish_faq(
        staff,
        answered,
        published=True,
        faq_question="법적 구속력이 없는 투자 양해각서(MOU)도 투자 확약으로 인정됩니까?",
        faq_answer=answer,
        at=asked + datetime.timedelta(days=2, hours=1),
    )
    briefing_services.ask_question(
        user,
        practice,
        organization=organization,
        subject="부지 면적 산정 방법",
        body="기존 산업단지와 신규 조성 부지를 함께 신청하는 경우 부지 면적은 합산하여 적으면 됩니까?",
        at=timezone.now(),
    )
