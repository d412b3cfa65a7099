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
import zoneinfo as _zi  # noqa: E402

from applications.models import (  # noqa: E402
    AnchorCompany,
    Application,
    Call,
    Field,
    InfrastructureNeed,
    PlanNarrative,
    Site,
)

KST = _zi.ZoneInfo("Asia/Seoul")
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
