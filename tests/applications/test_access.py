"""Every applications URL, per role: one organisation never reads or changes another's plan or files."""

import pytest
import time_machine
from django.urls import reverse

from applications.models import Attachment
from applications.workflow import State
from tests.factories import UserFactory

from .conftest import BEFORE

pytestmark = pytest.mark.django_db

PLAN_URLS = [
    ("applications:detail", {}),
    ("applications:section", {"key": "overview"}),
    ("applications:attachments", {}),
    ("applications:attachment", {"attachment_pk": None}),
    ("applications:participants", {}),
    ("applications:preview", {}),
    ("applications:submit", {}),
    ("applications:withdraw", {}),
    ("applications:versions", {}),
    ("applications:version", {"number": 1}),
    ("applications:receipt", {"number": 1}),
    ("applications:diff", {"old": 1, "new": 1}),
    ("applications:history", {}),
]


@pytest.fixture
def submitted(complete, applicant):
    from applications import services

    services.submit(applicant, complete, at=BEFORE)
    complete.refresh_from_db()
    return complete


def url_for(plan, name, extra):
    kwargs = {"pk": plan.pk, **extra}
    if "attachment_pk" in kwargs:
        kwargs["attachment_pk"] = Attachment.objects.filter(application=plan).first().pk
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize(("name", "extra"), PLAN_URLS)
def test_another_organisation_gets_not_found_for_get_and_post(client, submitted, other_applicant, name, extra):
    client.force_login(other_applicant)
    url = url_for(submitted, name, extra)
    with time_machine.travel(BEFORE, tick=False):
        assert client.get(url).status_code == 404
        assert client.post(url, {"title": "x", "revision": "0", "reason": "x"}).status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == State.SUBMITTED


@pytest.mark.parametrize(("name", "extra"), PLAN_URLS)
def test_anonymous_is_sent_to_login(client, submitted, name, extra):
    response = client.get(url_for(submitted, name, extra))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize(("name", "extra"), PLAN_URLS)
def test_members_and_staff_can_read(client, submitted, applicant, ministry_staff, name, extra):
    url = url_for(submitted, name, extra)
    for user in (applicant, ministry_staff):
        client.force_login(user)
        with time_machine.travel(BEFORE, tick=False):
            response = client.get(url)
        if name in ("applications:section", "applications:submit", "applications:withdraw") and user == ministry_staff:
            assert response.status_code == 403  # staff read plans; they do not write them
        else:
            # The receipt is rendered by a task after the commit (not run inside this test's transaction): until
            # then its link sends the reader back to the versions page. Every other page answers 200.
            expected = 302 if name == "applications:receipt" else 200
            assert response.status_code == expected, (name, user, response.status_code)
            if expected == 302:
                assert response["Location"] == reverse("applications:versions", args=[submitted.pk])


@pytest.mark.parametrize("role", ["advisory_expert", "committee_secretariat", "subcommittee_member"])
def test_other_staff_roles_do_not_see_live_plans(client, submitted, role):
    client.force_login(UserFactory(roles=[role]))
    assert client.get(reverse("applications:detail", args=[submitted.pk])).status_code == 404


def test_participant_reads_but_cannot_edit(client, submitted, applicant):
    from applications import services
    from tests.factories import MembershipFactory, OrganizationFactory

    partner = OrganizationFactory(kind="company", business_number="305-87-00003")
    member = MembershipFactory(organization=partner).user
    owner = MembershipFactory(organization=partner, role="owner").user
    invitation = services.add_participant(applicant, submitted, organization=partner, role="anchor", at=BEFORE)
    services.respond_to_invitation(owner, invitation, accept=True, at=BEFORE)
    client.force_login(member)
    assert client.get(reverse("applications:detail", args=[submitted.pk])).status_code == 200
    with time_machine.travel(BEFORE, tick=False):
        assert client.get(reverse("applications:section", args=[submitted.pk, "overview"])).status_code == 403


def test_my_plans_lists_only_my_organisations(client, submitted, other_applicant, applicant):
    client.force_login(other_applicant)
    assert submitted.title not in client.get(reverse("applications:mine")).content.decode()
    client.force_login(applicant)
    assert submitted.title in client.get(reverse("applications:mine")).content.decode()
