"""Issue 11: the instant a request ARRIVED decides, not the instant it is handled.

Every other view test freezes the clock (tick=False), so `request.received_at` and `timezone.now()` are the
same instant and a view passing `timezone.now()` to its service would pass them. Here the request arrives at
the last microsecond before the deadline and the clock then moves past it (a test-only middleware right after
ReceivedAtMiddleware): each write must still be accepted and recorded at the arrival instant.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Membership, Organization
from applications import services
from applications.models import Application, Attachment, AuditEvent, Participation
from applications.workflow import State
from tests.arrival import late_client
from tests.factories import KST, PDF_BYTES, MembershipFactory, OrganizationFactory

ARRIVED = datetime.datetime(2026, 2, 27, 17, 59, 59, 999999, tzinfo=KST)  # the last microsecond
HANDLED = datetime.datetime(2026, 2, 27, 18, 0, 5, tzinfo=KST)  # five seconds after the deadline

pytestmark = pytest.mark.django_db


@pytest.fixture
def late_handling(settings):
    post = late_client(settings)

    def post_late(client, url, data=None):
        return post(client, url, data, arrived=ARRIVED, handled=HANDLED)

    return post_late


def _last_event(action):
    return AuditEvent.objects.filter(action=action).latest("pk")


def test_creating_a_plan(client, call, applicant, late_handling):
    client.force_login(applicant)
    organization = applicant.memberships.get().organization
    url = reverse("applications:create", args=[call.slug])
    late_handling(client, url, {"organization": organization.pk, "field": call.fields.get().pk, "title": "새 계획"})
    plan = Application.objects.get(title="새 계획")
    assert plan.created_at == ARRIVED


def test_saving_a_section(client, plan, applicant, late_handling):
    client.force_login(applicant)
    url = reverse("applications:section", args=[plan.pk, "overview"])
    late_handling(client, url, {"title": "도착 시각의 제목", "summary": "요약", "revision": "0"})
    plan.refresh_from_db()
    assert plan.title == "도착 시각의 제목"
    assert plan.sections.get(key="overview").updated_at == ARRIVED


def test_uploading_a_file(client, plan, applicant, late_handling):
    client.force_login(applicant)
    upload = SimpleUploadedFile("계획서.pdf", PDF_BYTES, "application/pdf")
    late_handling(client, reverse("applications:attachments", args=[plan.pk]), {"kind": "other", "file": upload})
    assert plan.attachments.get().uploaded_at == ARRIVED


def test_removing_a_file(client, complete, applicant, late_handling):
    client.force_login(applicant)
    attachment = complete.attachments.first()
    late_handling(client, reverse("applications:remove_attachment", args=[complete.pk, attachment.pk]))
    assert Attachment.objects.get(pk=attachment.pk).removed_at == ARRIVED


def test_inviting_a_participant(client, plan, applicant, late_handling):
    partner = OrganizationFactory(kind=Organization.Kind.COMPANY, business_number="305-87-00003", region=None)
    client.force_login(applicant)
    url = reverse("applications:participants", args=[plan.pk])
    late_handling(client, url, {"business_number": "305-87-00003", "role": "anchor"})
    assert Participation.objects.get(application=plan, organization=partner).added_at == ARRIVED


def test_answering_an_invitation(client, plan, applicant, late_handling):
    partner = OrganizationFactory(kind=Organization.Kind.COMPANY, business_number="305-87-00003", region=None)
    owner = MembershipFactory(organization=partner, role=Membership.Role.OWNER).user
    invitation = services.add_participant(
        applicant, plan, organization=partner, role="anchor", at=ARRIVED - datetime.timedelta(days=1)
    )
    client.force_login(owner)
    late_handling(client, reverse("applications:invitation_respond", args=[invitation.pk]), {"answer": "accept"})
    invitation.refresh_from_db()
    assert invitation.status == Participation.Status.ACCEPTED
    assert invitation.responded_at == ARRIVED


def test_submitting(client, complete, applicant, late_handling):
    client.force_login(applicant)
    late_handling(client, reverse("applications:submit", args=[complete.pk]))
    complete.refresh_from_db()
    assert complete.status == State.SUBMITTED
    assert complete.submitted_at == ARRIVED
    assert complete.versions.get().submitted_at == ARRIVED
    assert _last_event("version_frozen").created_at == ARRIVED


def test_withdrawing(client, complete, applicant, late_handling):
    services.submit(applicant, complete, at=ARRIVED - datetime.timedelta(days=1))
    client.force_login(applicant)
    late_handling(client, reverse("applications:withdraw", args=[complete.pk]), {"reason": "사업 재검토"})
    complete.refresh_from_db()
    assert complete.status == State.WITHDRAWN
    assert _last_event("withdraw").created_at == ARRIVED
