import pytest
from django.urls import reverse

from accounts.models import Organization
from core.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_staff_see_pending_organizations_with_their_age(client, ministry_staff, pending_organization):
    client.force_login(ministry_staff)
    response = client.get(reverse("accounts:approval_queue"))
    assert response.status_code == 200
    html = response.content.decode()
    assert pending_organization.name_ko in html
    assert "617-86-00006" in html
    assert "<time" in html


def test_staff_approve_and_the_owner_is_told(
    client, ministry_staff, pending_organization, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(ministry_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:approve", args=[pending_organization.pk]))
    assert response.status_code == 302
    pending_organization.refresh_from_db()
    assert pending_organization.status == Organization.Status.APPROVED
    assert pending_organization.decided_by == ministry_staff
    owner = pending_organization.memberships.get().user
    assert mailoutbox[-1].to == [owner.email]
    assert "승인" in mailoutbox[-1].subject


def test_approving_twice_sends_one_email(
    client, ministry_staff, pending_organization, django_capture_on_commit_callbacks
):
    client.force_login(ministry_staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:approve", args=[pending_organization.pk]))
        client.post(reverse("accounts:approve", args=[pending_organization.pk]))
    assert (
        OutboxMessage.objects.filter(reference__contains=f"organization:{pending_organization.pk}:approved").count()
        == 1
    )


def test_rejection_needs_a_reason_and_sends_it(
    client, ministry_staff, pending_organization, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(ministry_staff)
    response = client.post(reverse("accounts:reject", args=[pending_organization.pk]), {"reason": ""}, follow=True)
    assert "사유를" in response.content.decode()
    pending_organization.refresh_from_db()
    assert pending_organization.status == Organization.Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:reject", args=[pending_organization.pk]), {"reason": "재직증명서가 필요합니다."})
    pending_organization.refresh_from_db()
    assert pending_organization.status == Organization.Status.REJECTED
    assert "재직증명서가 필요합니다." in mailoutbox[-1].body


@pytest.mark.parametrize("url_name", ["accounts:approval_queue"])
def test_queue_is_closed_to_applicants_and_anonymous(client, applicant, url_name):
    url = reverse(url_name)
    response = client.get(url)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    client.force_login(applicant)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("action", ["accounts:approve", "accounts:reject"])
def test_applicants_cannot_decide(client, applicant, pending_organization, action):
    client.force_login(applicant)
    response = client.post(reverse(action, args=[pending_organization.pk]), {"reason": "x"})
    assert response.status_code == 403
    pending_organization.refresh_from_db()
    assert pending_organization.status == Organization.Status.PENDING


def test_decisions_are_made_only_by_post(client, ministry_staff, pending_organization):
    client.force_login(ministry_staff)
    assert client.get(reverse("accounts:approve", args=[pending_organization.pk])).status_code == 200  # asks
    assert client.get(reverse("accounts:reject", args=[pending_organization.pk])).status_code == 405
    pending_organization.refresh_from_db()
    assert pending_organization.status == Organization.Status.PENDING


def test_approving_is_confirmed_on_a_page_that_says_what_happens(client, ministry_staff, pending_organization):
    client.force_login(ministry_staff)
    queue = client.get(reverse("accounts:approval_queue"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    approve_url = reverse("accounts:approve", args=[pending_organization.pk])
    assert f'href="{approve_url}"' in queue  # the queue links to the confirmation, it does not approve
    response = client.get(approve_url, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert "its members may submit plans for it" in html and "cannot be taken back" in html
    assert f'<form method="post" action="{approve_url}"' in html


@pytest.mark.parametrize(("first", "then"), [("approve", "reject"), ("reject", "approve")])
def test_a_decision_is_never_changed_afterwards(ministry_staff, pending_organization, first, then):
    from accounts import services

    decide = {
        "approve": lambda: services.approve_organization(ministry_staff, pending_organization),
        "reject": lambda: services.reject_organization(ministry_staff, pending_organization, "서류 미비"),
    }
    decided = decide[first]()
    later = decide[then]()
    pending_organization.refresh_from_db()
    assert pending_organization.status == decided.status == later.status
    assert pending_organization.status == {"approve": "approved", "reject": "rejected"}[first]
    assert pending_organization.decided_at == decided.decided_at
    other = {"approve": "rejected", "reject": "approved"}[first]
    assert not OutboxMessage.objects.filter(
        reference=f"accounts.organization:{pending_organization.pk}:{other}"
    ).exists()  # no e-mail announcing the other decision


def test_only_ministry_staff_decide_even_when_calling_the_service(applicant, pending_organization):
    from django.core.exceptions import PermissionDenied

    from accounts import services

    with pytest.raises(PermissionDenied):
        services.approve_organization(applicant, pending_organization)
    pending_organization.refresh_from_db()
    assert pending_organization.status == Organization.Status.PENDING
