"""Conditions of a conditional designation followed up to the end (issue 13): due dates, the applicant's
answer with a file, staff accepting or asking again, reminders once each, the public list saying whether the
conditions are met; nothing of it before the announcement."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from accounts import roles
from applications.models import AuditEvent
from committee import services
from committee.models import Condition
from committee.services import CommitteeRefusal
from core.models import OutboxMessage
from tests.factories import KST, UserFactory

from .conftest import AFTER_ANNOUNCEMENT, ANNOUNCEMENT, MEETING_DAY, minutes_pdf, resolution_data

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
DUE = datetime.date(2026, 12, 31)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def staff(db):
    return UserFactory(roles=[roles.MINISTRY_STAFF])


@pytest.fixture
def conditional(secretariat, item, django_capture_on_commit_callbacks):
    resolution = services.record_resolution(
        secretariat,
        item,
        minutes=minutes_pdf(),
        **resolution_data("designated_with_conditions", conditions="1. 용수 공급계획 확정\n2. 진입도로 계획 보완"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_resolution(secretariat, resolution, at=MEETING_DAY)
    resolution.refresh_from_db()
    return resolution


def set_two(staff, resolution):
    return services.set_conditions(
        staff, resolution, [("용수 공급계획 확정", DUE), ("진입도로 계획 보완", DUE)], at=MEETING_DAY
    )


def pdf(name="답변.pdf"):
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf"
    )


class TestSetting:
    def test_numbered_with_due_dates_and_audited(self, staff, conditional):
        first, second = set_two(staff, conditional)
        assert (first.position, second.position, first.status) == (1, 2, Condition.Status.OPEN)
        (third,) = services.set_conditions(staff, conditional, [("환경영향 검토", DUE)], at=MEETING_DAY)
        assert third.position == 3
        assert AuditEvent.objects.filter(action="conditions_set").count() == 2

    def test_only_for_a_confirmed_conditional_designation(self, staff, secretariat, item):
        draft = services.record_resolution(secretariat, item, minutes=minutes_pdf(), **resolution_data())
        with pytest.raises(CommitteeRefusal, match="confirmed designation with conditions"):
            services.set_conditions(staff, draft, [("x", DUE)], at=MEETING_DAY)

    def test_refusals(self, staff, secretariat, conditional):
        with pytest.raises(CommitteeRefusal, match="Only ministry staff"):
            services.set_conditions(secretariat, conditional, [("x", DUE)], at=MEETING_DAY)
        with pytest.raises(CommitteeRefusal, match="already passed"):
            services.set_conditions(staff, conditional, [("x", datetime.date(2026, 7, 14))], at=MEETING_DAY)
        services.set_conditions(staff, conditional, [("x", datetime.date(2026, 7, 15))], at=MEETING_DAY)  # today
        with pytest.raises(CommitteeRefusal, match="at least one"):
            services.set_conditions(staff, conditional, [(" ", DUE)], at=MEETING_DAY)


class TestAnswering:
    def test_not_before_the_announcement(self, staff, conditional, plan_owner):
        condition = set_two(staff, conditional)[0]
        with pytest.raises(CommitteeRefusal, match="not been announced"):
            services.answer_condition(
                plan_owner, condition, text="계획 확정", at=ANNOUNCEMENT - datetime.timedelta(microseconds=1)
            )
        services.answer_condition(plan_owner, condition, text="계획 확정", at=ANNOUNCEMENT)
        assert Condition.objects.get(pk=condition.pk).status == Condition.Status.ANSWERED

    def test_asked_again_then_met(self, staff, conditional, plan_owner, settings):
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        condition = set_two(staff, conditional)[0]
        answer = services.answer_condition(plan_owner, condition, text="초안", upload=pdf(), at=AFTER_ANNOUNCEMENT)
        assert answer.file_name == "답변.pdf" and len(answer.file_sha256) == 64
        with pytest.raises(CommitteeRefusal, match="already|cannot change"):
            services.answer_condition(plan_owner, condition, text="또", at=AFTER_ANNOUNCEMENT)  # under review
        with pytest.raises(CommitteeRefusal, match="still missing"):
            services.decide_condition(staff, condition, met=False, note="", at=AFTER_ANNOUNCEMENT)
        services.decide_condition(staff, condition, met=False, note="용수 확보 근거 제출 필요", at=AFTER_ANNOUNCEMENT)
        assert Condition.objects.get(pk=condition.pk).status == Condition.Status.OPEN
        services.answer_condition(plan_owner, condition, text="근거 첨부", at=AFTER_ANNOUNCEMENT)
        services.decide_condition(staff, condition, met=True, at=AFTER_ANNOUNCEMENT)
        condition.refresh_from_db()
        assert condition.status == Condition.Status.MET and condition.met_at == AFTER_ANNOUNCEMENT
        with pytest.raises(CommitteeRefusal):
            services.decide_condition(staff, condition, met=False, note="번복", at=AFTER_ANNOUNCEMENT)
        assert (
            OutboxMessage.objects.filter(reference__startswith=f"committee.condition:{condition.pk}:answer:").count()
            == 2
        )

    def test_only_the_plans_editors(self, staff, conditional):
        condition = set_two(staff, conditional)[0]
        with pytest.raises(CommitteeRefusal, match="owners and editors"):
            services.answer_condition(UserFactory(), condition, text="x", at=AFTER_ANNOUNCEMENT)


def test_reminders_14_and_3_days_before_once_each(staff, conditional):
    condition = set_two(staff, conditional)[0]
    fourteen_before = datetime.datetime(2026, 12, 17, 9, 0, tzinfo=KST)
    assert services.remind_conditions(fourteen_before) == 2  # both conditions are due that day
    assert services.remind_conditions(fourteen_before) == 2  # queued again: the outbox keeps one per reference
    assert OutboxMessage.objects.filter(reference=f"committee.condition:{condition.pk}:reminder:14").count() == 1
    assert services.remind_conditions(datetime.datetime(2026, 12, 20, 9, 0, tzinfo=KST)) == 0
    assert services.remind_conditions(datetime.datetime(2026, 12, 28, 9, 0, tzinfo=KST)) == 2


class TestPages:
    def test_staff_follow_up_through_the_page(self, client, staff, conditional, plan):
        client.force_login(staff)
        url = reverse("committee:staff_conditions", args=[plan.pk])
        with time_machine.travel(AFTER_ANNOUNCEMENT, tick=False):
            my_page = client.get(reverse("core:dashboard"), **EN).content.decode()
            assert "Set up the conditions to follow up" in my_page and url in my_page
            page = client.get(url, **EN).content.decode()
            assert "1. 용수 공급계획 확정" in page and "No condition is being followed up yet." in page
            assert client.post(url, {"text": "용수 공급계획 확정", "due_on": "2026-12-31"}).status_code == 302
            assert "Awaiting the applicant" in client.get(url, **EN).content.decode()

    def test_the_applicant_answers_after_the_announcement_only(self, client, staff, conditional, plan, plan_owner):
        set_two(staff, conditional)
        client.force_login(plan_owner)
        url = reverse("committee:condition", args=[plan.pk, 1])
        with time_machine.travel(MEETING_DAY, tick=False):
            assert client.get(url).status_code == 404
            assert (
                "Conditions to fulfil"
                not in client.get(reverse("applications:detail", args=[plan.pk])).content.decode()
            )
        with time_machine.travel(AFTER_ANNOUNCEMENT, tick=False):
            detail = client.get(reverse("applications:detail", args=[plan.pk]), **EN).content.decode()
            assert "Conditions to fulfil" in detail and url in detail
            bad = client.post(url, {"text": "", "upload": pdf()}, **EN)
            assert bad.status_code == 400 and "choose it again" in bad.content.decode()
            assert client.post(url, {"text": "용수 공급계획 확정 공문 첨부", "upload": pdf()}).status_code == 302
            page = client.get(url, **EN).content.decode()
            assert "Answer under review" in page and "답변.pdf" in page
        client.force_login(UserFactory())
        with time_machine.travel(AFTER_ANNOUNCEMENT, tick=False):
            assert client.get(url).status_code == 404

    def test_the_public_list_says_whether_the_conditions_are_met(self, client, staff, conditional, plan, plan_owner):
        first, second = set_two(staff, conditional)
        for condition in (first, second):
            services.answer_condition(plan_owner, condition, text="완료", at=AFTER_ANNOUNCEMENT)
        services.decide_condition(staff, first, met=True, at=AFTER_ANNOUNCEMENT)
        with time_machine.travel(AFTER_ANNOUNCEMENT, tick=False):
            assert "Conditions met: 1 of 2" in client.get(reverse("committee:designations"), **EN).content.decode()
            services.decide_condition(staff, second, met=True, at=AFTER_ANNOUNCEMENT)
            assert "All conditions met" in client.get(reverse("committee:designations"), **EN).content.decode()
