"""Staff: creating panels (refused without a rubric), choosing members by role, pinning conflicts."""

import pytest
from django.urls import reverse

from accounts import roles
from accounts.models import Organization, Region
from applications.models import AuditEvent, Field
from reviews.models import Conflict, ExpertProfile, Panel
from tests.factories import (
    CallFactory,
    ExpertFactory,
    OrganizationFactory,
    UserFactory,
    assign,
    make_panel,
    make_rubric,
    reviewable_plan,
)

from .conftest import EN

pytestmark = pytest.mark.django_db


def test_creating_a_panel_without_a_rubric_is_refused_with_a_message(client, staff):
    call = CallFactory()
    client.force_login(staff)
    data = {
        "field": call.fields.first().pk,
        "stage": "advisory",
        "name": "이차전지 전문가 자문단",
        "reviewers_per_plan": 5,
    }
    response = client.post(reverse("reviews:staff_panels", args=[call.slug]), data, **EN)
    assert response.status_code == 409
    assert "Set up the rubric of this call and stage first" in response.content.decode()
    assert not Panel.objects.exists()

    make_rubric(call)
    response = client.post(reverse("reviews:staff_panels", args=[call.slug]), data, **EN)
    panel = Panel.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reviews:staff_members", args=[panel.pk])
    assert (panel.name, panel.reviewers_per_plan, panel.created_by) == ("이차전지 전문가 자문단", 5, staff)
    page = client.get(reverse("reviews:staff_panels", args=[call.slug]), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "이차전지 전문가 자문단" in page


def test_a_panel_named_in_english_is_shown_by_that_name_on_english_pages(client, staff):
    call = CallFactory()
    make_rubric(call)
    client.force_login(staff)
    url = reverse("reviews:staff_panels", args=[call.slug])
    assert 'name="name_en"' in client.get(url, **EN).content.decode()  # the form asks for it
    data = {"field": call.fields.first().pk, "stage": "advisory", "name": "이차전지 전문가 자문단"}
    response = client.post(url, {**data, "name_en": " Battery expert panel ", "reviewers_per_plan": 5}, **EN)
    panel = Panel.objects.get()
    assert response.status_code == 302 and (panel.name, panel.name_en) == (
        "이차전지 전문가 자문단",
        "Battery expert panel",
    )
    english = client.get(url, **EN).content.decode()
    assert "The panel “Battery expert panel” was created." in english  # the message, in the page's language
    assert "Battery expert panel</a>" in english and "이차전지 전문가 자문단" not in english
    korean = client.get(url, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "이차전지 전문가 자문단</a>" in korean and "Battery expert panel" not in korean


def test_the_english_name_may_stay_empty(client, staff):
    call = CallFactory()
    make_rubric(call)
    client.force_login(staff)
    data = {"field": call.fields.first().pk, "stage": "advisory", "name": "자문단", "reviewers_per_plan": 5}
    client.post(reverse("reviews:staff_panels", args=[call.slug]), data, **EN)
    assert Panel.objects.get().name_en == ""


def test_a_field_outside_the_call_is_not_accepted(client, staff):
    call = CallFactory()
    make_rubric(call)
    stranger = Field.objects.create(code="ROB", name_ko="로봇", name_en="Robots")
    client.force_login(staff)
    data = {"field": stranger.pk, "stage": "advisory", "name": "x", "reviewers_per_plan": 5}
    client.post(reverse("reviews:staff_panels", args=[call.slug]), data)
    assert not Panel.objects.exists()


def test_members_are_chosen_among_the_stage_roles_with_their_profile(client, staff):
    call = CallFactory()
    make_rubric(call)
    panel = make_panel(call)
    university = OrganizationFactory(
        kind=Organization.Kind.RESEARCH, name_ko="한국과학기술원", region=Region.objects.get(code="30")
    )
    expert = ExpertFactory(full_name="최전문", profile=university)
    expert.expert_profile.fields.add(call.fields.first())
    member = UserFactory(full_name="분과위원", roles=[roles.SUBCOMMITTEE_MEMBER])
    client.force_login(staff)
    url = reverse("reviews:staff_members", args=[panel.pk])
    page = client.get(url, **EN).content.decode()
    assert "최전문" in page and "한국과학기술원" in page and "Daejeon" in page
    assert call.fields.first().name_en in page or call.fields.first().name_ko in page
    assert "분과위원" not in page  # not an advisory expert

    assert client.post(url, {"members": [expert.pk]}).status_code == 302
    assert list(panel.members.all()) == [expert]
    assert client.post(url, {"members": [member.pk]}).status_code == 200  # not a valid choice
    assert list(panel.members.all()) == [expert]


def test_members_with_assignments_cannot_be_removed(client, staff):
    call = CallFactory()
    make_rubric(call)
    expert = ExpertFactory()
    panel = make_panel(call, members=[expert])
    assign(panel, reviewable_plan(call), expert)
    client.force_login(staff)
    response = client.post(reverse("reviews:staff_members", args=[panel.pk]), {"members": []}, **EN)
    assert "cannot be removed" in response.content.decode()
    assert list(panel.members.all()) == [expert]


def test_saving_members_records_detected_conflicts(client, staff):
    call = CallFactory()
    make_rubric(call)
    plan = reviewable_plan(call)
    expert = ExpertFactory(profile=plan.organization)
    panel = make_panel(call)
    client.force_login(staff)
    client.post(reverse("reviews:staff_members", args=[panel.pk]), {"members": [expert.pk]})
    assert Conflict.objects.filter(application=plan, user=expert, source=Conflict.Source.DETECTED).exists()
    page = client.get(reverse("reviews:staff_conflicts", args=[panel.pk]), **EN).content.decode()
    assert "Detected from affiliations" in page


def test_pinning_a_conflict_is_listed_and_audited(client, staff):
    call = CallFactory()
    make_rubric(call)
    plan = reviewable_plan(call)
    expert = ExpertFactory(full_name="정평가")
    panel = make_panel(call, members=[expert])
    client.force_login(staff)
    url = reverse("reviews:staff_conflicts", args=[panel.pk])
    response = client.post(url, {"user": expert.pk, "application": plan.pk, "reason": ""}, **EN)
    assert "Please give a reason." in response.content.decode()
    response = client.post(url, {"user": expert.pk, "application": plan.pk, "reason": "배우자가 앵커기업 임원"})
    assert response.status_code == 302
    conflict = Conflict.objects.get(source=Conflict.Source.PINNED)
    assert (conflict.user, conflict.application, conflict.recorded_by) == (expert, plan, staff)
    assert AuditEvent.objects.filter(action="conflict_pinned", application=plan, actor=staff).exists()
    page = client.get(url, **EN).content.decode()
    assert "배우자가 앵커기업 임원" in page and "Set by ministry staff" in page and "정평가" in page
    assert ExpertProfile.objects.filter(user=expert).exists()
