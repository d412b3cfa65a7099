"""My page opens on what waits for the person (issue 13): each role's to-do list, with counts, due dates and
the page where to act, and the e-mails the portal sent them."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from accounts import roles
from accounts.models import Membership, Organization
from applications.models import Application, Question
from applications.workflow import State
from core.models import OutboxMessage
from reviews.models import Assignment
from tests.factories import (
    DEADLINE_2026,
    KST,
    ApplicationFactory,
    CallFactory,
    ExpertFactory,
    FieldFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
    assign,
    make_meeting,
    make_panel,
    make_rubric,
    referred_plan,
    reviewable_plan,
)

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
NOW = datetime.datetime(2026, 2, 10, 10, 0, tzinfo=KST)


@pytest.fixture
def call(db):
    return CallFactory(fields=[FieldFactory(code="BAT")], published=True)


def my_page(client, user, at=NOW):
    client.force_login(user)
    with time_machine.travel(at, tick=False):
        return client.get(reverse("core:dashboard"), **EN).content.decode()


def test_staff_see_registrations_plans_and_questions(client, call):
    staff = UserFactory(roles=[roles.MINISTRY_STAFF])
    OrganizationFactory(status=Organization.Status.PENDING, created_at=NOW - datetime.timedelta(days=3))
    OrganizationFactory(status=Organization.Status.PENDING, created_at=NOW - datetime.timedelta(days=1))
    reviewable_plan(call, status=State.RECEIVED)
    Question.objects.create(
        call=call, organization=OrganizationFactory(), asked_by=UserFactory(), subject="?", body="?"
    )
    page = my_page(client, staff)
    assert "2 organisations are waiting for approval; the oldest registered 3 day(s) ago." in page
    assert "1 plan received and waiting for the completeness check." in page
    assert reverse("applications:staff_applications") + "?status=received" in page
    assert "1 question waiting for an answer." in page
    assert page.index("Registrations to approve") < page.index("Plans and questions")


def test_an_applicant_sees_what_is_missing_by_the_deadline_and_the_open_calls(client, call):
    membership = MembershipFactory(role=Membership.Role.OWNER)
    plan = ApplicationFactory(call=call, organization=membership.organization, title="울산 계획")
    page = my_page(client, membership.user)
    assert "Draft “울산 계획”:" in page and "items missing." in page
    assert reverse("applications:detail", args=[plan.pk]) in page
    assert "Due: 2026-02-27 18:00 (KST)" in page
    assert f"Open call: {call.title}" in page
    assert "Plans and questions" not in page and "Registrations to approve" not in page
    after = my_page(client, membership.user, at=DEADLINE_2026 + datetime.timedelta(minutes=1))
    assert "울산 계획" not in after and "Open call" not in after  # nothing left to do there


def test_an_evaluator_declares_then_scores(client, call):
    make_rubric(call)
    expert = ExpertFactory()
    plan = reviewable_plan(call)
    assignment = assign(make_panel(call, members=[expert]), plan, expert, Assignment.Declaration.PENDING)
    page = my_page(client, expert)
    assert f"Declare any conflict of interest: {plan.title}" in page
    assert reverse("reviews:declare", args=[assignment.pk]) in page
    Assignment.objects.filter(pk=assignment.pk).update(declaration=Assignment.Declaration.NO_CONFLICT)
    page = my_page(client, expert)
    assert f"Score and submit: {plan.title}" in page and reverse("reviews:review", args=[assignment.pk]) in page
    Application.objects.filter(pk=plan.pk).update(status=State.SUBCOMMITTEE)  # the stage has moved on
    assert "Your reviews" not in my_page(client, expert)


def test_the_secretariat_confirms_resolutions(client, call):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from committee import services

    secretariat = UserFactory(roles=[roles.SECRETARIAT])
    meeting = make_meeting(call, created_by=secretariat)
    plan = referred_plan(call)
    item = services.add_to_agenda(secretariat, meeting, plan, at=NOW)
    page = my_page(client, secretariat)
    assert f"Record the resolution: {plan.title}" in page and reverse("committee:record", args=[item.pk]) in page
    services.record_resolution(
        secretariat,
        item,
        minutes=SimpleUploadedFile("m.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
        decision="designated",
        conditions="",
        reasons="우수",
        votes_for=3,
        votes_against=0,
        votes_abstaining=0,
        at=NOW,
    )
    page = my_page(client, secretariat)
    assert f"Confirm the resolution: {plan.title}" in page and "Record the resolution" not in page


def test_the_emails_sent_to_the_person_are_listed(client):
    user = UserFactory(email="owner@ulsan.go.kr")
    for n, to in enumerate(
        (["owner@ulsan.go.kr"], ["co-owner@ulsan.go.kr", "OWNER@ulsan.go.kr"], ["xowner@ulsan.go.kr"])
    ):
        OutboxMessage.objects.create(
            to=to, subject=f"제목 {n}", body=f"본문 {n}", reference=f"test:{n}", message_id=f"<{n}@portal>"
        )
    page = my_page(client, user)
    assert "Messages sent to you" in page and "제목 0" in page and "제목 1" in page and "본문 1" in page
    assert "제목 2" not in page  # another person whose address merely contains this one
