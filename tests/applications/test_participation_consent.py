"""Issue 10, finding 9: a participant is invited and its owner accepts before its members read the plan or it
counts as a detected conflict. Declining keeps it out; only an owner of the invited organisation answers, once."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import Membership, Organization
from applications import services
from applications.models import Application, AuditEvent, Participation
from applications.workflow import TransitionError
from core.models import OutboxMessage
from reviews import conflicts
from tests.factories import ExpertFactory, MembershipFactory, OrganizationFactory

from .conftest import BEFORE

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(db):
    return OrganizationFactory(kind=Organization.Kind.COMPANY, business_number="305-87-00003", region=None)


@pytest.fixture
def partner_owner(partner):
    return MembershipFactory(organization=partner, role=Membership.Role.OWNER).user


@pytest.fixture
def invitation(complete, applicant, partner, partner_owner):
    return services.add_participant(applicant, complete, organization=partner, role="anchor", at=BEFORE)


def _reads(client, user, plan) -> int:
    client.force_login(user)
    return client.get(reverse("applications:detail", args=[plan.pk])).status_code


def _conflicted(plan, expert) -> bool:
    return (plan.pk, expert.pk) in conflicts.detect([plan], [expert])


def test_an_invited_organisation_neither_reads_the_plan_nor_conflicts(client, invitation, partner, partner_owner):
    plan = invitation.application
    member = MembershipFactory(organization=partner, role=Membership.Role.VIEWER).user
    expert = ExpertFactory(profile=partner)
    assert invitation.status == Participation.Status.INVITED
    assert not Application.objects.visible_to(member).filter(pk=plan.pk).exists()
    assert _reads(client, member, plan) == 404
    assert _reads(client, partner_owner, plan) == 404
    assert not _conflicted(plan, expert)


def test_accepting_gives_read_access_and_a_detected_conflict(client, invitation, partner, partner_owner):
    plan = invitation.application
    member = MembershipFactory(organization=partner, role=Membership.Role.VIEWER).user
    expert = ExpertFactory(profile=partner)
    answered = services.respond_to_invitation(partner_owner, invitation, accept=True, at=BEFORE)
    assert (answered.status, answered.responded_by, answered.responded_at) == ("accepted", partner_owner, BEFORE)
    assert _reads(client, member, plan) == 200
    assert _conflicted(plan, expert)
    assert conflicts.detect([plan], [expert])[(plan.pk, expert.pk)] == conflicts.PARTICIPATES
    assert AuditEvent.objects.filter(application=plan, action="participant_accepted").exists()


def test_declining_keeps_the_organisation_out(client, invitation, partner, partner_owner):
    plan = invitation.application
    member = MembershipFactory(organization=partner, role=Membership.Role.VIEWER).user
    expert = ExpertFactory(profile=partner)
    services.respond_to_invitation(partner_owner, invitation, accept=False, at=BEFORE)
    assert _reads(client, member, plan) == 404
    assert not _conflicted(plan, expert)
    assert AuditEvent.objects.filter(application=plan, action="participant_declined").exists()


@pytest.mark.parametrize("who", ["partner_editor", "partner_viewer", "lead_owner", "stranger"])
def test_only_an_owner_of_the_invited_organisation_answers(invitation, partner, applicant, who):
    users = {
        "partner_editor": lambda: MembershipFactory(organization=partner, role=Membership.Role.EDITOR).user,
        "partner_viewer": lambda: MembershipFactory(organization=partner, role=Membership.Role.VIEWER).user,
        "lead_owner": lambda: applicant,
        "stranger": lambda: MembershipFactory(role=Membership.Role.OWNER).user,
    }
    with pytest.raises(PermissionDenied):
        services.respond_to_invitation(users[who](), invitation, accept=True, at=BEFORE)
    invitation.refresh_from_db()
    assert invitation.status == Participation.Status.INVITED


@pytest.mark.parametrize("first", [True, False])
def test_a_second_answer_is_refused(invitation, partner_owner, first):
    services.respond_to_invitation(partner_owner, invitation, accept=first, at=BEFORE)
    with pytest.raises(TransitionError):
        services.respond_to_invitation(partner_owner, invitation, accept=not first, at=BEFORE)
    invitation.refresh_from_db()
    assert invitation.status == ("accepted" if first else "declined")


def test_inviting_writes_to_the_invited_owners_once(complete, applicant, partner, partner_owner):
    MembershipFactory(organization=partner, role=Membership.Role.EDITOR)
    invitation = services.add_participant(applicant, complete, organization=partner, role="anchor", at=BEFORE)
    message = OutboxMessage.objects.get(reference=f"applications.participant_invited:{invitation.pk}")
    assert message.to == [partner_owner.email.lower()]
    assert complete.title in message.subject
    assert "참여 초대" in message.subject and "역할:" in message.body  # Korean by default
    assert reverse("applications:invitations") in message.body
    with pytest.raises(TransitionError):
        services.add_participant(applicant, complete, organization=partner, role="agency", at=BEFORE)


def test_the_owner_answers_on_the_invitations_page(client, invitation, partner_owner):
    client.force_login(partner_owner)
    assert reverse("applications:invitations") in client.get(reverse("core:dashboard")).content.decode()
    answer = reverse("applications:invitation_respond", args=[invitation.pk])
    page = client.get(reverse("applications:invitations")).content.decode()
    assert invitation.application.title in page and answer in page
    assert client.get(answer).status_code == 405
    assert client.post(answer, {"answer": "maybe"}).status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == Participation.Status.INVITED
    assert client.post(answer, {"answer": "accept"}).status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == Participation.Status.ACCEPTED
    assert answer not in client.get(reverse("applications:invitations")).content.decode()


def test_the_answer_url_is_404_for_anyone_else(client, invitation, partner, applicant):
    answer = reverse("applications:invitation_respond", args=[invitation.pk])
    for user in (applicant, MembershipFactory(organization=partner, role=Membership.Role.EDITOR).user):
        client.force_login(user)
        assert client.post(answer, {"answer": "accept"}).status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == Participation.Status.INVITED
