import datetime

import pytest
from django.urls import reverse

from accounts.models import Membership, Organization, Region, User
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def organization_of(user):
    return Organization.objects.of_user(user).get()


def test_members_see_their_organization(client, applicant):
    client.force_login(applicant)
    org = organization_of(applicant)
    response = client.get(reverse("accounts:organization", args=[org.pk]))
    assert response.status_code == 200
    assert org.name_ko in response.content.decode()


def test_another_applicant_gets_not_found(client, applicant, other_applicant):
    client.force_login(other_applicant)
    response = client.get(reverse("accounts:organization", args=[organization_of(applicant).pk]))
    assert response.status_code == 404


def test_staff_see_any_organization(client, applicant, ministry_staff):
    client.force_login(ministry_staff)
    assert client.get(reverse("accounts:organization", args=[organization_of(applicant).pk])).status_code == 200


def test_anonymous_is_sent_to_login(client, applicant):
    response = client.get(reverse("accounts:organization", args=[organization_of(applicant).pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_owner_adds_a_new_member_who_gets_a_set_password_link(
    client, applicant, django_capture_on_commit_callbacks, mailoutbox
):
    org = organization_of(applicant)
    client.force_login(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:organization", args=[org.pk]),
            {"email": "colleague@city.go.kr", "full_name": "박동료", "role": "editor"},
        )
    assert response.status_code == 302
    colleague = User.objects.get(email="colleague@city.go.kr")
    assert not colleague.has_usable_password()
    assert Membership.objects.get(user=colleague, organization=org).role == "editor"
    assert "/accounts/password/reset/" in mailoutbox[-1].body


def test_editor_cannot_add_members(client, applicant):
    org = organization_of(applicant)
    editor = MembershipFactory(organization=org, role=Membership.Role.EDITOR).user
    client.force_login(editor)
    response = client.post(
        reverse("accounts:organization", args=[org.pk]), {"email": "x@y.kr", "full_name": "x", "role": "owner"}
    )
    assert response.status_code == 302 and response.url == reverse("accounts:organization", args=[org.pk])
    assert not User.objects.filter(email="x@y.kr").exists()


def test_the_service_itself_refuses_a_member_who_is_not_an_owner(applicant):
    from django.core.exceptions import PermissionDenied

    from accounts import services

    org = organization_of(applicant)
    editor = MembershipFactory(organization=org, role=Membership.Role.EDITOR).user
    with pytest.raises(PermissionDenied):
        services.add_member(editor, org, email="x@y.kr", full_name="x", role="owner")
    assert not User.objects.filter(email="x@y.kr").exists()


def test_adding_an_existing_member_twice_is_refused(client, applicant):
    org = organization_of(applicant)
    client.force_login(applicant)
    response = client.post(
        reverse("accounts:organization", args=[org.pk]),
        {"email": applicant.email, "full_name": "x", "role": "editor"},
    )
    assert response.status_code == 200
    assert "이미 이 기관의 구성원입니다" in response.content.decode()


def test_seventeen_metropolitan_governments_are_current():
    assert Region.objects.valid_on(datetime.date(2026, 2, 27)).count() == 17
    assert Region.objects.valid_on(datetime.date(2023, 1, 1)).filter(name_ko="강원도").exists()


def test_the_gwangju_jeonnam_merger_can_be_recorded_without_rewriting_history():
    """2026-07-01: Gwangju and Jeollanam-do merge. Old rows end, a new row starts; old records keep theirs."""
    gwangju, jeonnam = Region.objects.get(code="29"), Region.objects.get(code="46")
    plan_org = OrganizationFactory(region=gwangju)
    merged = Region.objects.create(
        code="gwangju-jeonnam",
        name_ko="광주전남통합특별시",
        name_en="Gwangju-Jeonnam (merged)",
        kind="special_city",
        valid_from=datetime.date(2026, 7, 1),
    )
    Region.objects.filter(pk__in=[gwangju.pk, jeonnam.pk]).update(valid_to=datetime.date(2026, 6, 30), successor=merged)
    assert Region.objects.valid_on(datetime.date(2026, 2, 27)).count() == 17
    assert Region.objects.valid_on(datetime.date(2026, 7, 1)).count() == 16
    plan_org.refresh_from_db()
    assert plan_org.region == gwangju
    assert list(merged.predecessors.order_by("code")) == [gwangju, jeonnam]


def test_staff_roles_are_groups_a_user_can_combine():
    user = UserFactory(roles=["advisory_expert", "subcommittee_member"])
    assert user.has_role("advisory_expert") and user.has_role("subcommittee_member")
    assert not user.has_role("committee_secretariat")
