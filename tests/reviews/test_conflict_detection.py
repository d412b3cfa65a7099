"""reviews.conflicts.detect, the owner of "tied to the plan through the affiliation": each tie, each near miss,
and which reason wins when an evaluator is tied twice (the first found: leads, takes part, anchor, region)."""

import pytest

from accounts.models import Organization, Region
from applications.models import AnchorCompany, Participation, Site
from reviews import conflicts
from reviews.conflicts import detect
from tests.factories import CallFactory, ExpertFactory, OrganizationFactory, UserFactory, reviewable_plan

pytestmark = pytest.mark.django_db

ANCHOR_NUMBER = "617-86-00006"  # complete_plan names this anchor company
ULSAN = "31"  # complete_plan puts the site in Ulsan


@pytest.fixture
def plan(db):
    return reviewable_plan(CallFactory())


def research_org(**kwargs):
    return OrganizationFactory(kind=Organization.Kind.RESEARCH, region=None, **kwargs)


def take_part(plan, organization, status=Participation.Status.ACCEPTED):
    Participation.objects.create(
        application=plan,
        organization=organization,
        role=Participation.Role.RESEARCH,
        added_by=plan.created_by,
        status=status,
    )


def test_the_lead_organisation(plan):
    expert = ExpertFactory(profile=plan.organization)
    assert detect([plan], [expert]) == {(plan.pk, expert.pk): conflicts.LEADS}


def test_every_evaluator_of_the_organisation_is_found(plan):
    experts = [ExpertFactory(profile=plan.organization) for _ in range(2)]
    assert detect([plan], experts) == {(plan.pk, e.pk): conflicts.LEADS for e in experts}


def test_an_accepted_participant_only(plan):
    accepted, invited, declined = research_org(), research_org(), research_org()
    take_part(plan, accepted)
    take_part(plan, invited, Participation.Status.INVITED)
    take_part(plan, declined, Participation.Status.DECLINED)
    experts = {org: ExpertFactory(profile=org) for org in (accepted, invited, declined)}
    assert detect([plan], list(experts.values())) == {(plan.pk, experts[accepted].pk): conflicts.PARTICIPATES}


def test_an_anchor_company_by_its_business_number(plan):
    anchor = ExpertFactory(
        profile=OrganizationFactory(kind=Organization.Kind.COMPANY, business_number=ANCHOR_NUMBER, region=None)
    )
    other = ExpertFactory(
        profile=OrganizationFactory(kind=Organization.Kind.COMPANY, business_number="220-81-62517", region=None)
    )
    assert detect([plan], [anchor, other]) == {(plan.pk, anchor.pk): conflicts.ANCHOR}


def test_an_organisation_without_a_business_number_matches_no_anchor_without_one(plan):
    AnchorCompany.objects.filter(application=plan).update(business_number="")
    expert = ExpertFactory(profile=research_org())
    assert Organization.objects.get(pk=expert.expert_profile.affiliation_id).business_number is None
    assert detect([plan], [expert]) == {}


def test_the_metropolitan_government_of_the_site(plan):
    ulsan = Region.objects.get(code=ULSAN)
    elsewhere = Region.objects.exclude(code=ULSAN).first()
    government = ExpertFactory(profile=OrganizationFactory(kind=Organization.Kind.METROPOLITAN, region=ulsan))
    research_in_ulsan = ExpertFactory(profile=OrganizationFactory(kind=Organization.Kind.RESEARCH, region=ulsan))
    other_government = ExpertFactory(profile=OrganizationFactory(kind=Organization.Kind.METROPOLITAN, region=elsewhere))
    found = detect([plan], [government, research_in_ulsan, other_government])
    assert found == {(plan.pk, government.pk): conflicts.LOCAL_GOVERNMENT}


def test_only_the_government_of_the_site_s_region(plan):
    """No evaluator is the government of Ulsan: the site is not looked up against the other regions' (a mutant
    matching every site failed on the region it had no government for)."""
    elsewhere = Region.objects.exclude(code=ULSAN).first()
    other_government = ExpertFactory(profile=OrganizationFactory(kind=Organization.Kind.METROPOLITAN, region=elsewhere))
    assert detect([plan], [other_government]) == {}


def test_a_metropolitan_government_without_a_region_is_not_tied_to_a_site_without_one(plan):
    Site.objects.filter(application=plan).update(region=None)
    expert = ExpertFactory(profile=OrganizationFactory(kind=Organization.Kind.METROPOLITAN, region=None))
    assert detect([plan], [expert]) == {}


def test_the_first_tie_found_gives_the_reason(plan):
    # The plan's own organisation, also an accepted participant, an anchor and the site's government.
    lead = plan.organization
    Organization.objects.filter(pk=lead.pk).update(business_number=ANCHOR_NUMBER, region=Region.objects.get(code=ULSAN))
    take_part(plan, lead)
    expert = ExpertFactory(profile=lead)
    assert detect([plan], [expert]) == {(plan.pk, expert.pk): conflicts.LEADS}
    # Participant and anchor (business numbers are unique, so the lead gives its number up): taking part first.
    Organization.objects.filter(pk=lead.pk).update(business_number=None)
    company = OrganizationFactory(kind=Organization.Kind.COMPANY, business_number=ANCHOR_NUMBER, region=None)
    take_part(plan, company)
    partner = ExpertFactory(profile=company)
    assert detect([plan], [partner]) == {(plan.pk, partner.pk): conflicts.PARTICIPATES}
    # Anchor and the site's government (no longer taking part): the anchor is found first.
    Participation.objects.filter(organization=company).delete()
    Organization.objects.filter(pk=company.pk).update(
        kind=Organization.Kind.METROPOLITAN, region=Region.objects.get(code=ULSAN)
    )
    assert detect([plan], [partner]) == {(plan.pk, partner.pk): conflicts.ANCHOR}


def test_only_the_plans_and_people_asked_about(plan):
    other_plan = reviewable_plan(plan.call)
    expert = ExpertFactory(profile=plan.organization)
    bystander = ExpertFactory(profile=plan.organization)
    assert detect([plan, other_plan], [expert]) == {(plan.pk, expert.pk): conflicts.LEADS}
    assert (other_plan.pk, bystander.pk) not in detect([plan, other_plan], [expert, bystander])


def test_nothing_without_affiliations_or_without_plans(plan):
    assert detect([plan], [ExpertFactory(profile=None), UserFactory()]) == {}
    assert detect([], [ExpertFactory(profile=plan.organization)]) == {}


def test_a_fixed_number_of_queries(plan, django_assert_num_queries):
    experts = [ExpertFactory(profile=research_org()) for _ in range(3)]
    with django_assert_num_queries(2):  # profiles with their organisations, participations (no number to match)
        assert detect([plan], experts) == {}
    unaffiliated = ExpertFactory(profile=None)
    with django_assert_num_queries(1):  # nobody affiliated: nothing more is asked
        assert detect([plan], [unaffiliated]) == {}
    with django_assert_num_queries(1):  # no plans: nothing more is asked
        assert detect([], experts) == {}


def test_ties_to_plans_not_asked_about_are_not_reported(plan):
    other_plan = reviewable_plan(plan.call)  # complete_plan gives it the same anchor company and Ulsan site
    partner_org = research_org()
    take_part(other_plan, partner_org)
    anchor = ExpertFactory(
        profile=OrganizationFactory(kind=Organization.Kind.COMPANY, business_number=ANCHOR_NUMBER, region=None)
    )
    government = ExpertFactory(
        profile=OrganizationFactory(kind=Organization.Kind.METROPOLITAN, region=Region.objects.get(code=ULSAN))
    )
    partner = ExpertFactory(profile=partner_org)
    assert detect([plan], [anchor, government, partner]) == {
        (plan.pk, anchor.pk): conflicts.ANCHOR,
        (plan.pk, government.pk): conflicts.LOCAL_GOVERNMENT,
    }
