"""Demo data for the applications room: the fields, the existing battery complexes, the 2026 call with its
briefing session, and a practice call that is still open so that the drafting path can be tried today."""

import datetime

from django.utils import timezone

from core.clock import KST, kst_date

from .models import BriefingSession, Call, ExistingComplex, Field

FIELDS = [
    (
        "ROB",
        "휴머노이드 로봇",
        "Humanoid robots",
        False,
        "보행 속도 3.3 m/s 이상, 20 kg 이상 운반이 가능한 휴머노이드 로봇의 부품·완제품 생산 거점",
        "Humanoid robots moving at 3.3 m/s or more and carrying 20 kg or more: components and assembly",
    ),
    (
        "DEF",
        "첨단 항공엔진(방산)",
        "Advanced aircraft engines (defense)",
        False,
        "추력 15,000 lbf 이상 첨단 항공엔진의 설계·제조·시험 거점",
        "Advanced aircraft engines of 15,000 lbf thrust or more: design, manufacturing and testing",
    ),
    (
        "BAT",
        "이차전지 기초 원료",
        "Secondary-battery basic raw materials",
        True,
        "기존 이차전지 특화단지(청주·울산·포항·새만금)와 연계한 기초 원료 공급망",
        "Basic raw materials linked to the existing battery complexes (Cheongju, Ulsan, Pohang, Saemangeum)",
    ),
]
COMPLEXES = [("청주(오창)", "Cheongju (Ochang)"), ("울산", "Ulsan"), ("포항", "Pohang"), ("새만금", "Saemangeum")]

CALL_TEXT = {
    "summary_ko": "국가첨단전략산업 특화단지 지정을 위한 특화단지 육성계획을 공모합니다. 이번 공모 분야는 휴머노이드 로봇, "
    "첨단 항공엔진(방산), 이차전지 기초 원료입니다.",
    "summary_en": "Call for Specialized Complex Development Plans for the designation of National Advanced Strategic "
    "Industry Specialized Complexes in humanoid robots, advanced aircraft engines (defense) and "
    "secondary-battery basic raw materials.",
    "eligibility_ko": "중앙행정기관의 장, 광역지방자치단체의 장(시·도지사), 관련 기업",
    "eligibility_en": "Heads of central administrative agencies, heads of metropolitan cities and provinces, and "
    "related companies",
    "procedure_ko": "포털에서 육성계획을 작성·제출 → 요건 검토 → 전문가 자문단 평가(서면, 필요 시 현장 실사·발표) → 관계부처 협의 → "
    "특화단지 분과위원회 심의 → 국가첨단전략산업위원회 심의·의결 → 지정 결과 발표(2026년 하반기)",
    "procedure_en": "Draft and submit the plan on this portal → eligibility check → expert advisory panel review "
    "(documents; site visit and presentation where needed) → consultation with related ministries → "
    "specialized complex subcommittee → deliberation and resolution of the National Advanced "
    "Strategic Industry Committee → announcement (second half of 2026)",
    "authority_ko": "산업통상부",
    "authority_en": "Ministry of Trade and Industry",
    "issuer_title_ko": "산업통상부장관",
    "issuer_title_en": "Minister of Trade and Industry",
    "seal_text": "산업통상부장관인",
    "document_number_prefix": "첨단산업정책과",
    "authority_address": "세종특별자치시 한누리대로 402 정부세종청사",
    "authority_phone": "044-203-0000",
}


def seed():
    fields = []
    for order, (code, ko, en, links, desc_ko, desc_en) in enumerate(FIELDS):
        field, _ = Field.objects.update_or_create(
            code=code,
            defaults={
                "name_ko": ko,
                "name_en": en,
                "links_existing_complex": links,
                "description_ko": desc_ko,
                "description_en": desc_en,
                "sort_order": order,
            },
        )
        fields.append(field)
    battery = Field.objects.get(code="BAT")
    for order, (ko, en) in enumerate(COMPLEXES):
        ExistingComplex.objects.update_or_create(
            field=battery, name_ko=ko, defaults={"name_en": en, "sort_order": order}
        )

    call, _ = Call.objects.update_or_create(
        slug="2026-specialized-complex",
        defaults={
            "title_ko": "2026년 국가첨단전략산업 특화단지 지정 공모",
            "title_en": "2026 call for National Advanced Strategic Industry Specialized Complexes",
            "opens_at": datetime.datetime(2025, 12, 29, 9, 0, tzinfo=KST),
            "deadline": datetime.datetime(2026, 2, 27, 18, 0, tzinfo=KST),
            "published": True,
            **CALL_TEXT,
        },
    )
    call.fields.set(fields)
    BriefingSession.objects.update_or_create(
        call=call,
        defaults={
            "starts_at": datetime.datetime(2026, 1, 15, 14, 0, tzinfo=KST),
            "ends_at": datetime.datetime(2026, 1, 15, 16, 0, tzinfo=KST),
            "place_ko": "서울 대한상공회의소 국제회의장",
            "place_en": "Korea Chamber of Commerce and Industry, Seoul",
            "capacity": 200,
        },
    )

    # A practice call, open for a month from today, so that drafting and submitting can be tried in the demo.
    today = kst_date()
    practice_deadline = datetime.datetime.combine(today + datetime.timedelta(days=30), datetime.time(18, 0), KST)
    practice, created = Call.objects.get_or_create(
        slug="practice",
        defaults={
            "title_ko": "[연습용] 특화단지 육성계획 작성 연습 공모",
            "title_en": "[Practice] Try drafting a development plan",
            "receipt_prefix": "PRACTICE",
            "opens_at": datetime.datetime.combine(today - datetime.timedelta(days=1), datetime.time(9, 0), KST),
            "deadline": practice_deadline,
            "published": True,
            **CALL_TEXT,
        },
    )
    if created or practice.deadline < timezone.now():
        practice.deadline = practice_deadline
        practice.opens_at = datetime.datetime.combine(today - datetime.timedelta(days=1), datetime.time(9, 0), KST)
        practice.closed_at = None
        practice.save()
    practice.fields.set(fields)
    BriefingSession.objects.update_or_create(
        call=practice,
        defaults={
            "starts_at": datetime.datetime.combine(today + datetime.timedelta(days=7), datetime.time(14, 0), KST),
            "place_ko": "온라인(화상회의)",
            "place_en": "Online (video conference)",
            "capacity": 3,
        },
    )
    from accounts.models import User

    from . import demo_plans

    staff = User.objects.get(email="staff@demo.kr")
    demo_plans.seed(call, staff)
    demo_plans.seed_practice_draft(practice)
    demo_plans.seed_questions(call, practice, staff)
    return []
