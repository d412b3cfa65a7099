"""The whole plan as one PDF (issue 13) for the plan's members and its evaluators: the packet of the frozen
version, prepared once by Celery, 404 for anyone who may not see the plan."""

import subprocess

import pytest
from django.urls import reverse

from accounts.models import Membership
from reviews.models import ReviewPacket
from tests.factories import ExpertFactory, MembershipFactory, UserFactory, assign, make_panel, reviewable_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(review_call, rubric):
    return reviewable_plan(review_call)


def text_of(response) -> str:
    data = b"".join(response.streaming_content)
    assert data.startswith(b"%PDF-")
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def test_a_member_prepares_and_downloads_the_plan(client, plan, django_capture_on_commit_callbacks):
    owner = MembershipFactory(organization=plan.organization, role=Membership.Role.VIEWER).user
    client.force_login(owner)
    detail = client.get(reverse("applications:detail", args=[plan.pk])).content.decode()
    assert reverse("reviews:plan_pdf_request", args=[plan.pk, 1]) in detail
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("reviews:plan_pdf_request", args=[plan.pk, 1])).status_code == 302
    assert ReviewPacket.objects.get().is_ready
    assert (
        reverse("reviews:plan_pdf", args=[plan.pk, 1])
        in client.get(reverse("applications:detail", args=[plan.pk])).content.decode()
    )
    text = text_of(client.get(reverse("reviews:plan_pdf", args=[plan.pk, 1])))
    assert plan.versions.get().sha256 in text.replace("\n", "") and "계획" in text
    client.force_login(UserFactory())
    assert client.get(reverse("reviews:plan_pdf", args=[plan.pk, 1])).status_code == 404
    assert client.post(reverse("reviews:plan_pdf_request", args=[plan.pk, 1])).status_code == 404


def test_an_evaluator_of_the_plan_gets_it_a_conflicted_one_does_not(
    client, plan, review_call, django_capture_on_commit_callbacks
):
    expert, conflicted = ExpertFactory(), ExpertFactory()
    panel = make_panel(review_call, members=[expert, conflicted])
    mine = assign(panel, plan, expert)
    theirs = assign(panel, plan, conflicted, declaration="conflict")
    client.force_login(expert)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reviews:assignment_pdf_request", args=[mine.pk]))
    assert client.get(reverse("reviews:assignment_pdf", args=[mine.pk])).status_code == 200
    client.force_login(conflicted)
    assert client.get(reverse("reviews:assignment_pdf", args=[theirs.pk])).status_code == 404
