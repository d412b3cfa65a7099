import factory
from django.contrib.auth.models import Group

from accounts.models import Membership, Organization, Region, User

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.kr")
    full_name = factory.Sequence(lambda n: f"사용자 {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if extracted:
            self.groups.set(Group.objects.filter(name__in=extracted))
        if create:
            self.save()


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    kind = Organization.Kind.METROPOLITAN
    name_ko = factory.Sequence(lambda n: f"시험광역시 {n}")
    name_en = factory.Sequence(lambda n: f"Test Metropolitan City {n}")
    region = factory.LazyFunction(lambda: Region.objects.current().first())
    status = Organization.Status.APPROVED


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Membership.Role.OWNER


# --- applications -------------------------------------------------------------------------------------
import datetime as _dt  # noqa: E402

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
from core.clock import KST  # noqa: E402  (the one definition of Korea time)

DEADLINE_2026 = _dt.datetime(2026, 2, 27, 18, 0, tzinfo=KST)


class FieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ("code",)

    code = "BAT"
    name_ko = "이차전지 기초 원료"
    name_en = "Secondary-battery basic raw materials"
    links_existing_complex = False


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"call-{n}")
    title_ko = "2026년 국가첨단전략산업 특화단지 지정 공모"
    title_en = "2026 call for National Advanced Strategic Industry Specialized Complexes"
    authority_ko = "산업통상부"
    authority_en = "Ministry of Trade and Industry"
    issuer_title_ko = "산업통상부장관"
    issuer_title_en = "Minister of Trade and Industry"
    document_number_prefix = "첨단산업정책과"
    opens_at = _dt.datetime(2025, 12, 29, 9, 0, tzinfo=KST)
    deadline = DEADLINE_2026
    published = True

    @factory.post_generation
    def fields(self, create, extracted, **kwargs):
        if create:
            self.fields.set(extracted or [FieldFactory()])


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application
        skip_postgeneration_save = True

    call = factory.SubFactory(CallFactory)
    field = factory.LazyAttribute(lambda o: o.call.fields.first())
    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"울산 이차전지 원료 특화단지 {n}")
    created_by = factory.SubFactory(UserFactory)
    site = factory.RelatedFactory("tests.factories.SiteFactory", factory_related_name="application")
    narrative = factory.RelatedFactory("tests.factories.NarrativeFactory", factory_related_name="application")


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site


class NarrativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanNarrative


def complete_plan(application):
    """Fill every required section so the plan passes the completeness check (attachments aside)."""
    from accounts.models import Region

    application.summary = "울산 온산국가산단을 중심으로 리튬·니켈 정련 기초 원료 공급망을 구축한다."
    application.save()
    Site.objects.filter(application=application).update(
        name="온산 이차전지 원료 특화단지",
        region=Region.objects.get(code="31"),
        city_county="울주군",
        area_m2=1_250_000,
        complex_type=Site.ComplexType.EXISTING,
    )
    PlanNarrative.objects.filter(application=application).update(
        participating_firms=42,
        ecosystem="원료-소재-셀-재활용 기업 간 장기 공급계약",
        training_programs="계약학과 운영",
        people_trained=1200,
        rnd_scope="고순도 수산화리튬 정련 기술",
        local_land="산업용지 50만 m² 우선 공급",
        regional_balance="비수도권 제조업 일자리 창출",
    )
    AnchorCompany.objects.create(
        application=application,
        name="한빛이차전지소재",
        business_number="617-86-00006",
        investment_krw=1_500_000_000_000,
        period_start=2026,
        period_end=2030,
        direct_jobs=850,
    )
    InfrastructureNeed.objects.create(
        application=application,
        kind="power",
        description="154kV 변전소 신설",
        amount_krw=120_000_000_000,
        state_share_krw=60_000_000_000,
    )
    application.total_investment_krw = 1_500_000_000_000
    application.total_direct_jobs = 850
    application.save()
    return application


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def attach_required_files(application, actor) -> None:
    """A small PDF for every required attachment kind, stored as an upload would be (no content check)."""
    from django.core.files.base import ContentFile

    for kind in Attachment.REQUIRED_KINDS:
        attachment = Attachment(
            application=application,
            kind=kind,
            original_name=f"{kind}.pdf",
            content_type="application/pdf",
            size=len(PDF_BYTES),
            sha256="0" * 64,
            uploaded_by=actor,
        )
        attachment.file.save(f"{kind}.pdf", ContentFile(PDF_BYTES), save=False)
        attachment.save()


# --- reviews ------------------------------------------------------------------------------------------
from decimal import Decimal as _D  # noqa: E402

from applications import snapshot as _snapshot  # noqa: E402
from applications.models import PlanVersion  # noqa: E402
from applications.workflow import State as _State  # noqa: E402
from reviews import standings as _standings  # noqa: E402
from reviews.models import Assignment, Criterion, ExpertProfile, Panel, Review, Rubric, Score, Stage  # noqa: E402

REVIEW_DUE = _dt.datetime(2026, 5, 29, 18, 0, tzinfo=KST)
# The evaluation themes of past rounds (docs/ARCHITECTURE.md, domain facts), maxima totalling 100.
DEMO_CRITERIA = (
    ("앵커기업 투자 규모와 확실성", "Anchor-company investment and its certainty", 25),
    ("생태계 조성(공급망 협력·클러스터 잠재력)", "Ecosystem (supplier-customer cooperation, cluster potential)", 20),
    ("기반시설 준비도", "Infrastructure readiness", 15),
    ("인력 양성", "Workforce", 10),
    ("지역 산업·계획과의 정합성", "Fit with regional industry and plans", 10),
    ("국가 균형발전 기여", "Balanced regional development", 10),
    ("시급성", "Urgency", 10),
)


def make_rubric(call, stage=Stage.ADVISORY, *, due_at=REVIEW_DUE, criteria=DEMO_CRITERIA, **settings):
    rubric = Rubric.objects.create(call=call, stage=stage, due_at=due_at, **settings)
    for position, (ko, en, points) in enumerate(criteria):
        Criterion.objects.create(rubric=rubric, position=position, title_ko=ko, title_en=en, max_points=_D(points))
    return rubric


class ExpertFactory(UserFactory):
    """An evaluator: the advisory-expert role and a profile (affiliation optional)."""

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create:
            self.groups.set(Group.objects.filter(name__in=extracted or ["advisory_expert"]))
            self.save()

    @factory.post_generation
    def profile(self, create, extracted, **kwargs):
        if create:
            ExpertProfile.objects.create(user=self, affiliation=extracted)


def reviewable_plan(call, *, organization=None, status=_State.ADVISORY_REVIEW, field=None, **kwargs):
    """A submitted, frozen plan placed in `status` (test setup only: the app itself moves plans by workflow)."""
    application = ApplicationFactory(
        call=call, field=field or call.fields.first(), organization=organization or OrganizationFactory(), **kwargs
    )
    complete_plan(application)
    Application.objects.filter(pk=application.pk).update(
        status=status, receipt_number=f"{call.pk}-{application.field.code}-{application.pk:03d}"
    )
    application.refresh_from_db()
    content = _snapshot.serialize(application)
    PlanVersion.objects.create(
        application=application,
        number=1,
        content=content,
        sha256=_snapshot.digest(content),
        submitted_at=DEADLINE_2026 - _dt.timedelta(days=1),
        submitted_by=application.created_by,
    )
    return application


def make_panel(call, *, field=None, stage=Stage.ADVISORY, members=(), reviewers_per_plan=5, created_by=None):
    panel = Panel.objects.create(
        call=call,
        field=field or call.fields.first(),
        stage=stage,
        name=f"패널 {stage}",
        reviewers_per_plan=reviewers_per_plan,
        created_by=created_by or UserFactory(),
    )
    panel.members.set(members)
    return panel


def assign(panel, application, reviewer, declaration=Assignment.Declaration.NO_CONFLICT):
    """An assignment written directly (test setup); the stored ranking summary is refreshed as the services
    do (reviews.standings), so the pages that read it see the plan. A conflict a test records by hand after
    this is not in the summary until `_standings.refresh` (as in the app: only the services keep it)."""
    assignment = Assignment.objects.create(
        panel=panel,
        application=application,
        reviewer=reviewer,
        declaration=declaration,
        assigned_by=panel.created_by,
    )
    _standings.refresh([application.pk])
    return assignment


def submitted_review(assignment, points, *, comment="검토 의견", at=None):
    """A submitted review whose criterion scores are `points` (in criterion order)."""
    criteria = list(Criterion.objects.filter(rubric__call=assignment.panel.call, rubric__stage=assignment.panel.stage))
    review = Review.objects.create(
        assignment=assignment,
        version=assignment.application.latest_version,
        overall_opinion="종합 의견",
    )
    Score.objects.bulk_create(
        Score(review=review, criterion=c, points=_D(str(p)), comment=comment)
        for c, p in zip(criteria, points, strict=True)
    )
    Review.objects.filter(pk=review.pk).update(
        status=Review.Status.SUBMITTED,
        total=sum((_D(str(p)) for p in points), _D(0)),
        submitted_at=at or REVIEW_DUE - _dt.timedelta(days=1),
    )
    _standings.refresh([assignment.application_id])
    review.refresh_from_db()
    return review


# --- reviews staff ------------------------------------------------------------------------------------


def bulk_plans(call, count, *, status=_State.ADVISORY_REVIEW, field=None, organization=None):
    """`count` plans with a frozen version each, written in a few queries (for query-count tests and benches)."""
    field = field or call.fields.first()
    organization = organization or OrganizationFactory()
    author = UserFactory()
    start = Application.objects.count()
    plans = Application.objects.bulk_create(
        Application(
            call=call,
            field=field,
            organization=organization,
            title=f"대량 시험 육성계획 {start + i}",
            status=status,
            receipt_number=f"{call.pk}-{field.code}-B{start + i:04d}",
            created_by=author,
        )
        for i in range(count)
    )
    content = {"application": {}, "sections": {}, "attachments": []}
    PlanVersion.objects.bulk_create(
        PlanVersion(
            application=plan,
            number=1,
            content=content,
            sha256=_snapshot.digest(content),
            submitted_at=DEADLINE_2026 - _dt.timedelta(days=1),
            submitted_by=author,
        )
        for plan in plans
    )
    return plans


def seed_submitted_reviews(panel, plan, reviewers, totals, *, at=None):
    """Submitted reviews with the given totals (no criterion scores), written directly: cheap aggregation data."""
    version = plan.versions.order_by("-number").first()
    assignments = Assignment.objects.bulk_create(
        Assignment(
            panel=panel,
            application=plan,
            reviewer=reviewer,
            declaration=Assignment.Declaration.NO_CONFLICT,
            assigned_by=panel.created_by,
        )
        for reviewer, _total in zip(reviewers, totals, strict=False)
    )
    Review.objects.bulk_create(
        Review(
            assignment=assignment,
            version=version,
            status=Review.Status.SUBMITTED,
            total=_D(str(total)),
            submitted_at=at or REVIEW_DUE - _dt.timedelta(days=1),
        )
        for assignment, total in zip(assignments, totals, strict=False)
    )
    _standings.refresh([plan.pk])
    return assignments


# --- committee ----------------------------------------------------------------------------------------
from committee.models import Meeting as _Meeting  # noqa: E402
from reviews.models import Recommendation as _Recommendation  # noqa: E402

SUMMARY_EXAMPLE = {
    "advisory": {
        "reviews": 5,
        "mean": 81.2,
        "median": 82.0,
        "trimmed_mean": 81.5,
        "stddev": 3.1,
        "score": 81.5,
        "rule": "trimmed_mean",
        "disagreement": False,
        "criteria": [
            {"title_ko": ko, "title_en": en, "max": float(points), "mean": round(points * 0.8, 2)}
            for ko, en, points in DEMO_CRITERIA
        ],
    }
}


def referred_plan(call, *, decision="recommend", conditions="", **kwargs):
    """A plan referred to the committee with the subcommittee's recommendation (test setup only)."""
    application = reviewable_plan(call, status=_State.COMMITTEE, **kwargs)
    _Recommendation.objects.create(
        application=application,
        decision=decision,
        conditions=conditions,
        reasons="앵커기업 투자 확실성과 공급망 연계가 우수함",
        summary=SUMMARY_EXAMPLE,
        finalised_by=UserFactory(roles=["subcommittee_chair"]),
        finalised_at=REVIEW_DUE,
    )
    return application


def make_meeting(call, *, members=5, present=3, created_by=None, number=7, **kwargs):
    """A committee meeting with `members` committee members of whom the first `present` attended."""
    people = [UserFactory(roles=["committee_member"]) for _ in range(members)]
    meeting = _Meeting.objects.create(
        call=call,
        number=number,
        held_at=kwargs.pop("held_at", _dt.datetime(2026, 7, 15, 10, 0, tzinfo=KST)),
        place=kwargs.pop("place", "정부서울청사 국무회의실"),
        chair=people[0],
        created_by=created_by or UserFactory(roles=["committee_secretariat"]),
        **kwargs,
    )
    meeting.members.set(people)
    meeting.attendees.set(people[:present])
    return meeting
