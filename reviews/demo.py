"""Demo data for the reviews room: rubrics for the 2026 call, an advisory panel per field with evaluators,
declarations and submitted reviews, one plan through the subcommittee to the committee. Idempotent."""

import datetime
import hashlib
from decimal import Decimal

from django.contrib.auth.models import Group
from django.utils import timezone

from accounts import roles
from accounts.demo import DEMO_PASSWORD
from accounts.models import Organization, User
from applications.models import Application, Call
from applications.workflow import State
from core.clock import KST, kst_date

from . import services
from .models import Assignment, Criterion, ExpertProfile, Panel, Recommendation, Rubric, Stage

ADVISORY_CRITERIA = [
    (
        "앵커기업 투자 규모와 확실성",
        "Anchor-company investment and its certainty",
        25,
        "투자 규모, 투자 확약(MOU)의 구속력, 자금 조달 계획의 실현 가능성",
        "Size of the investment, binding MOUs, funding plan",
    ),
    (
        "생태계 조성(공급망 협력·클러스터 잠재력)",
        "Ecosystem (supplier-customer cooperation, cluster potential)",
        20,
        "소부장 기업 집적, 수요-공급 기업 간 협력 구조",
        "Clustering of suppliers, cooperation between suppliers and customers",
    ),
    (
        "기반시설 준비도",
        "Infrastructure readiness",
        15,
        "전력·용수·폐수·도로 등 기반시설 확보 계획과 시기",
        "Power, water, wastewater and roads: plans and timing",
    ),
    (
        "인력 양성",
        "Workforce",
        10,
        "대학·훈련기관 연계, 양성 규모",
        "Universities and training, number of people trained",
    ),
    (
        "지역 산업·계획과의 정합성",
        "Fit with regional industry and plans",
        10,
        "지역 주력산업 및 발전계획과의 연계",
        "Links with the region's industries and development plans",
    ),
    (
        "국가 균형발전 기여",
        "Balanced regional development",
        10,
        "비수도권 파급효과, 일자리",
        "Effects outside the capital region, jobs",
    ),
    ("시급성", "Urgency", 10, "공급망 안보상 시급성, 투자 시기", "Supply-chain urgency, timing of the investment"),
]
SUBCOMMITTEE_CRITERIA = [
    ("계획의 타당성과 실현 가능성", "Soundness and feasibility of the plan", 40, "", ""),
    ("국가 전략적 중요도", "Strategic importance for the country", 30, "", ""),
    ("발표 및 현장 실사 결과", "Presentation and site visit", 30, "", ""),
]
EXPERTS = [
    # (email, name, organisation name_ko or None, fields)
    ("expert@demo.kr", "정전문 (KIAT)", "한국산업기술진흥원", ("BAT", "ROB", "DEF")),
    ("expert2@demo.kr", "오소재 교수 (KAIST)", None, ("BAT",)),
    ("expert3@demo.kr", "서공정 박사 (KIER)", None, ("BAT", "DEF")),
    ("expert4@demo.kr", "문투자 (산업은행)", None, ("BAT", "ROB", "DEF")),
    ("expert5@demo.kr", "배입지 (국토연구원)", None, ("BAT", "ROB", "DEF")),
    ("expert6@demo.kr", "류지역 (울산광역시 미래산업과)", "울산광역시", ("BAT", "ROB")),
    ("expert7@demo.kr", "하로봇 교수 (POSTECH)", None, ("ROB", "DEF")),
]


def _points(application, user, criterion) -> Decimal:
    """A plausible, repeatable score: 55–95 % of the maximum in half points."""
    digest = hashlib.sha256(f"{application.pk}:{user.pk}:{criterion.pk}".encode()).digest()
    share = Decimal(55 + digest[0] % 41) / 100
    return (criterion.max_points * share * 2).quantize(Decimal(1)) / 2


def _rubric(call, stage, due_at, criteria):
    rubric, created = Rubric.objects.get_or_create(call=call, stage=stage, defaults={"due_at": due_at})
    if created:
        for position, (ko, en, points, g_ko, g_en) in enumerate(criteria):
            Criterion.objects.create(
                rubric=rubric,
                position=position,
                title_ko=ko,
                title_en=en,
                max_points=Decimal(points),
                guidance_ko=g_ko,
                guidance_en=g_en,
            )
    return rubric


def _experts(fields):
    group = Group.objects.get(name=roles.EXPERT)
    experts = []
    for email, name, organisation, codes in EXPERTS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=name)
        user.groups.add(group)
        affiliation = Organization.objects.filter(name_ko=organisation).first() if organisation else None
        profile, _created = ExpertProfile.objects.update_or_create(
            user=user, defaults={"affiliation": affiliation, "region": affiliation.region if affiliation else None}
        )
        profile.fields.set([fields[c] for c in codes if c in fields])
        experts.append(user)
    return experts


def _review(assignment, at, opinion="계획의 구체성이 높고 투자 확실성이 양호함."):
    criteria = Criterion.objects.filter(rubric__call=assignment.panel.call, rubric__stage=assignment.panel.stage)
    scores = {c.pk: (_points(assignment.application, assignment.reviewer, c), "평가 근거를 기재함.") for c in criteria}
    services.save_review(assignment.reviewer, assignment, scores=scores, opinion=opinion, at=at)
    services.submit_review(assignment.reviewer, assignment, at=at)


def seed():
    call = Call.objects.filter(slug="2026-specialized-complex").first()
    if call is None or Panel.objects.filter(call=call).exists():
        return _rows()
    staff = User.objects.get(email="staff@demo.kr")
    now = timezone.now()
    today = kst_date()
    advisory = _rubric(
        call,
        Stage.ADVISORY,
        datetime.datetime.combine(today + datetime.timedelta(days=14), datetime.time(18), KST),
        ADVISORY_CRITERIA,
    )
    _rubric(
        call,
        Stage.SUBCOMMITTEE,
        datetime.datetime.combine(today + datetime.timedelta(days=30), datetime.time(18), KST),
        SUBCOMMITTEE_CRITERIA,
    )
    Rubric.objects.filter(pk=advisory.pk).update(visibility=Rubric.Visibility.AFTER_SUBMITTING)
    fields = {f.code: f for f in call.fields.all()}
    experts = _experts(fields)
    demo_expert = experts[0]
    services.start_advisory_review(staff, list(call.applications.filter(status=State.SCREENED)), at=now)
    for code, field in fields.items():
        members = [u for u in experts if u.expert_profile.fields.filter(pk=field.pk).exists()]
        panel = services.create_panel(
            staff,
            call=call,
            field=field,
            name=f"{field.name_ko} 전문가 자문단",
            name_en=f"{field.name_en} expert advisory panel",
            reviewers_per_plan=5,
        )
        services.set_panel_members(staff, panel, members)
        pairs = services.propose_assignments(panel)
        plans = {a.pk: a for a in panel.plans()}
        users = {u.pk: u for u in members}
        services.bulk_assign(staff, panel, [(plans[a], users[u]) for a, u in pairs], at=now)
        if code != "BAT":
            continue
        # The battery panel has done its work, except the demo expert, who still has to declare.
        for assignment in panel.assignments.select_related("application", "reviewer", "panel__call"):
            if assignment.reviewer == demo_expert:
                continue
            services.declare(assignment.reviewer, assignment, conflict=False, pledge=True, at=now)
            _review(assignment, now)
    _subcommittee(call, staff, now)
    _consultation(call, staff, now)
    return _rows()


def _consultation(call, staff, now):
    """The next battery plan is with the related ministries: one has answered, one is awaited (staff's to-do)."""
    plan = (
        Application.objects.filter(call=call, field__code="BAT", status=State.ADVISORY_REVIEW)
        .order_by("receipt_number")
        .first()
    )
    if plan is None:
        return
    today = kst_date(now)
    first, _second = services.request_opinions(
        staff,
        plan,
        ministries=["국토교통부", "환경부"],
        due_on=today + datetime.timedelta(days=10),
        question="산업단지 지정 및 용수·환경 영향에 대한 부처 의견을 요청합니다.",
        reason="데모: 자문위원 1인 미제출 상태에서 부처 일정상 협의 개시",
        at=now,
    )
    services.record_opinion(
        staff, first, opinion="국토교통부: 산업단지 계획과 상충 없음. 진입도로 계획 보완 권고.", dated=today, at=now
    )


def _subcommittee(call, staff, now):
    member = User.objects.get(email="subcommittee@demo.kr")
    chair = User.objects.get(email="chair@demo.kr")
    battery = call.fields.get(code="BAT")
    plans = list(
        Application.objects.filter(call=call, field=battery, status=State.ADVISORY_REVIEW).order_by("receipt_number")
    )
    for application in plans[:2]:
        services.move_to_subcommittee(
            staff, application, reason="데모: 자문위원 1인 미제출 상태에서 일정상 분과위원회 상정", at=now
        )
    panel = services.create_panel(
        staff,
        call=call,
        field=battery,
        stage=Stage.SUBCOMMITTEE,
        name="특화단지 분과위원회 (이차전지)",
        name_en="Specialized complex subcommittee (secondary batteries)",
        reviewers_per_plan=2,
    )
    services.set_panel_members(staff, panel, [member, chair])
    for application in plans[:2]:
        for user in (member, chair):
            assignment = services.assign(staff, panel, application, user, at=now)
            services.declare(user, assignment, conflict=False, pledge=True, at=now)
    first = plans[0] if plans else None
    if first is None:
        return
    for assignment in Assignment.objects.filter(panel=panel, application=first):
        _review(assignment, now, opinion="발표 및 현장 실사 결과 계획의 실현 가능성이 높음.")
    services.add_note(
        member,
        first,
        kind="site_visit",
        text="부지 조성 현황과 변전소 인입 계획을 현장에서 확인함.",
        held_on=kst_date(),
    )
    if not Recommendation.objects.filter(application=first).exists():
        services.finalise_recommendation(
            chair,
            first,
            decision=Recommendation.Decision.RECOMMEND_WITH_CONDITIONS,
            conditions="산업용수 공급 계획을 지정 후 6개월 이내에 보완할 것",
            reasons="앵커기업 투자 확실성과 기존 이차전지 특화단지와의 연계성이 우수함.",
            at=now,
        )


def _rows():
    return [(email, f"evaluator ({name})") for email, name, _org, _codes in EXPERTS[1:3]] + [
        ("chungbuk@demo.kr", "applicant (충청북도), plan under review"),
    ]
