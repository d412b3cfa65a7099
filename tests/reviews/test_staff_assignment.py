"""Staff assignment: detected and pinned conflicts block an assignment (service and table), the automatic
proposal spreads the load and skips conflicts, bulk saving is all or nothing, unassigning."""

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import Organization, Region
from applications.models import Participation
from applications.workflow import State
from reviews import services
from reviews.models import Assignment, Conflict
from reviews.services import ReviewRefused
from tests.factories import (
    CallFactory,
    ExpertFactory,
    OrganizationFactory,
    assign,
    make_panel,
    make_rubric,
    reviewable_plan,
    submitted_review,
)

from .conftest import DURING, EN

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(db):
    call = CallFactory()
    make_rubric(call)
    return call


def conflicted_expert(kind, plan, staff):
    """An expert tied to `plan` in one of the ways the portal must catch."""
    if kind == "lead":
        return ExpertFactory(profile=plan.organization)
    if kind == "participant":
        organization = OrganizationFactory(kind=Organization.Kind.RESEARCH, region=None)
        Participation.objects.create(
            application=plan,
            organization=organization,
            role=Participation.Role.RESEARCH,
            added_by=staff,
            status=Participation.Status.ACCEPTED,
        )
        return ExpertFactory(profile=organization)
    if kind == "anchor":
        # complete_plan names 한빛이차전지소재 (617-86-00006) as the anchor company
        return ExpertFactory(
            profile=OrganizationFactory(kind=Organization.Kind.COMPANY, business_number="617-86-00006", region=None)
        )
    if kind == "metropolitan":
        # the plan's site lies in Ulsan (31): Ulsan Metropolitan City's officials are conflicted
        return ExpertFactory(
            profile=OrganizationFactory(kind=Organization.Kind.METROPOLITAN, region=Region.objects.get(code="31"))
        )
    expert = ExpertFactory(profile=None)
    services.pin_conflict(staff, plan, expert, "최근 3년 내 자문 계약")
    return expert


KINDS = ["lead", "participant", "anchor", "metropolitan", "pinned"]
REASONS = {
    "lead": "leads this plan",
    "participant": "takes part in this plan",
    "anchor": "anchor company of this plan",
    "metropolitan": "local government of this plan's site",
    "pinned": "최근 3년 내 자문 계약",
}


@pytest.mark.parametrize("kind", KINDS)
def test_the_service_refuses_a_conflicted_assignment(call, staff, kind):
    plan = reviewable_plan(call, organization=OrganizationFactory(region=Region.objects.get(code="11")))
    expert = conflicted_expert(kind, plan, staff)
    clean = ExpertFactory(profile=OrganizationFactory(kind=Organization.Kind.RESEARCH, region=None))
    panel = make_panel(call, members=[expert, clean])

    with translation.override("en"), pytest.raises(ReviewRefused) as refused:
        services.assign(staff, panel, plan, expert, at=DURING)
    assert REASONS[kind] in str(refused.value.message)
    assert services.assign(staff, panel, plan, clean, at=DURING).reviewer == clean
    assert not Assignment.objects.filter(reviewer=expert).exists()


@pytest.mark.parametrize("kind", KINDS)
def test_the_table_shows_the_conflict_and_a_tampered_post_saves_nothing(client, call, staff, kind):
    plan = reviewable_plan(call, organization=OrganizationFactory(region=Region.objects.get(code="11")))
    expert = conflicted_expert(kind, plan, staff)
    clean = ExpertFactory(full_name="김평가", profile=OrganizationFactory(kind=Organization.Kind.RESEARCH, region=None))
    panel = make_panel(call, members=[expert, clean])
    client.force_login(staff)
    url = reverse("reviews:staff_assignments", args=[panel.pk])

    page = client.get(url, **EN).content.decode()
    assert f'value="{plan.pk}:{clean.pk}"' in page
    assert f'value="{plan.pk}:{expert.pk}"' not in page  # no checkbox in a conflicted cell
    assert f"assign 김평가 to {plan.title}" in page
    assert "Conflict:" in page

    response = client.post(url, {"action": "save", "pair": [f"{plan.pk}:{clean.pk}", f"{plan.pk}:{expert.pk}"]}, **EN)
    assert response.status_code == 409
    assert "Nothing was saved." in response.content.decode()
    assert not Assignment.objects.filter(panel=panel).exists()  # all or nothing: the clean pair neither


def test_saving_ticked_cells_assigns_and_unassign_removes(client, call, staff):
    plans = [reviewable_plan(call) for _ in range(2)]
    experts = ExpertFactory.create_batch(3)
    panel = make_panel(call, members=experts)
    client.force_login(staff)
    url = reverse("reviews:staff_assignments", args=[panel.pk])
    pairs = [f"{plans[0].pk}:{experts[0].pk}", f"{plans[1].pk}:{experts[1].pk}", f"{plans[1].pk}:{experts[2].pk}"]

    response = client.post(url, {"action": "save", "pair": pairs}, **EN)
    assert response.status_code == 302
    assert set(Assignment.objects.filter(panel=panel).values_list("application_id", "reviewer_id")) == {
        (plans[0].pk, experts[0].pk),
        (plans[1].pk, experts[1].pk),
        (plans[1].pk, experts[2].pk),
    }
    assignment = Assignment.objects.get(application=plans[0], reviewer=experts[0])
    response = client.post(reverse("reviews:staff_unassign", args=[panel.pk]), {"assignment": assignment.pk}, **EN)
    assert response.status_code == 302
    assert not Assignment.objects.filter(pk=assignment.pk).exists()


def test_unassigning_a_submitted_review_is_refused_with_a_message(client, call, staff):
    plan = reviewable_plan(call)
    expert = ExpertFactory()
    panel = make_panel(call, members=[expert])
    assignment = assign(panel, plan, expert)
    submitted_review(assignment, (20, 15, 10, 8, 8, 8, 8))
    client.force_login(staff)
    response = client.post(
        reverse("reviews:staff_unassign", args=[panel.pk]), {"assignment": assignment.pk}, follow=True, **EN
    )
    assert "already submitted a review" in response.content.decode()
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_a_forged_pair_outside_the_panel_is_rejected(client, call, staff):
    plan = reviewable_plan(call)
    outsider_plan = reviewable_plan(CallFactory())
    expert = ExpertFactory()
    panel = make_panel(call, members=[expert])
    client.force_login(staff)
    response = client.post(
        reverse("reviews:staff_assignments", args=[panel.pk]),
        {"action": "save", "pair": [f"{outsider_plan.pk}:{expert.pk}", f"{plan.pk}:{expert.pk}"]},
    )
    assert response.status_code == 302
    assert not Assignment.objects.exists()


@pytest.mark.parametrize(("plans", "members", "per_plan"), [(7, 6, 3), (5, 5, 5), (10, 4, 2), (3, 8, 5)])
def test_the_proposal_spreads_the_load_evenly(call, plans, members, per_plan):
    panel = make_panel(call, members=ExpertFactory.create_batch(members), reviewers_per_plan=per_plan)
    for _ in range(plans):
        reviewable_plan(call)
    proposal = services.propose_assignments(panel)
    load = {m.pk: 0 for m in panel.members.all()}
    per = {}
    for plan_id, user_id in proposal:
        load[user_id] += 1
        per[plan_id] = per.get(plan_id, 0) + 1
    assert max(load.values()) - min(load.values()) <= 1
    assert set(per.values()) == {min(per_plan, members)}
    assert len(proposal) == len(set(proposal))
    assert not Assignment.objects.exists()  # a proposal saves nothing


def test_the_proposal_never_pairs_a_conflicted_evaluator(call, staff):
    plans = [
        reviewable_plan(call, organization=OrganizationFactory(region=Region.objects.get(code="11"))) for _ in range(4)
    ]
    experts = ExpertFactory.create_batch(4)
    lead = ExpertFactory(profile=plans[0].organization)
    anchor = ExpertFactory(
        profile=OrganizationFactory(kind=Organization.Kind.COMPANY, business_number="617-86-00006", region=None)
    )
    panel = make_panel(call, members=[*experts, lead, anchor], reviewers_per_plan=5)
    services.pin_conflict(staff, plans[1], experts[0], "친족 관계")

    proposal = set(services.propose_assignments(panel))
    blocked = set(Conflict.objects.values_list("application_id", "user_id"))
    assert (plans[0].pk, lead.pk) in blocked and (plans[1].pk, experts[0].pk) in blocked
    assert all((plan.pk, anchor.pk) in blocked for plan in plans)  # the anchor company is in every plan
    assert not proposal & blocked
    for plan in plans:
        available = {m.pk for m in panel.members.all()} - {u for a, u in blocked if a == plan.pk}
        assert sum(1 for a, _u in proposal if a == plan.pk) == min(5, len(available))


def test_proposing_in_the_table_ticks_cells_without_saving(client, call, staff):
    for _ in range(3):
        reviewable_plan(call)
    panel = make_panel(call, members=ExpertFactory.create_batch(4), reviewers_per_plan=2)
    client.force_login(staff)
    url = reverse("reviews:staff_assignments", args=[panel.pk])
    response = client.post(url, {"action": "propose"}, **EN)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count(" checked>") == 6
    assert "not saved yet" in page
    assert not Assignment.objects.exists()


def test_only_plans_of_the_stage_appear_in_the_table(client, call, staff):
    shown = reviewable_plan(call, status=State.SCREENED)
    hidden = reviewable_plan(call, status=State.RECEIVED)
    panel = make_panel(call, members=[ExpertFactory()])
    client.force_login(staff)
    page = client.get(reverse("reviews:staff_assignments", args=[panel.pk]), **EN).content.decode()
    assert shown.title in page and hidden.title not in page


@pytest.mark.parametrize("value", ["abc", "1.5", "", "99999999999999999999"])
def test_a_non_numeric_assignment_id_is_not_found(client, call, staff, value):
    panel = make_panel(call, members=[ExpertFactory()])
    client.force_login(staff)
    response = client.post(reverse("reviews:staff_unassign", args=[panel.pk]), {"assignment": value}, **EN)
    assert response.status_code == 404
