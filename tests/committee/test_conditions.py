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
from applications.models import AuditEvent, Call
from committee import services
from committee.models import Condition
from committee.services import CommitteeRefusal
from core.models import OutboxMessage
from tests.factories import KST, CallFactory, FieldFactory, UserFactory, make_meeting, referred_plan

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
        at=MEETING_DAY,
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
        draft = services.record_resolution(
            secretariat, item, at=MEETING_DAY, minutes=minutes_pdf(), **resolution_data()
        )
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
        with pytest.raises(CommitteeRefusal) as exc:
            services.answer_condition(
                plan_owner, condition, text="계획 확정", at=ANNOUNCEMENT - datetime.timedelta(microseconds=1)
            )
        assert exc.value.message == "The results have not been announced yet."
        assert Condition.objects.get(pk=condition.pk).status == Condition.Status.OPEN
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


# --- each service's own checks, called directly (issue 11: found by mutation testing) ----------------------


class TestSettingChecks:
    def test_the_text_is_tidied_and_the_items_remember_who_and_when(self, staff, conditional, plan):
        (condition,) = services.set_conditions(
            staff, conditional, [("  용수   공급계획\n 확정 ", DUE), ("", DUE)], at=MEETING_DAY
        )
        condition.refresh_from_db()
        assert condition.text == "용수 공급계획 확정" and condition.due_on == DUE
        assert condition.created_by == staff and condition.created_at == MEETING_DAY
        assert condition.resolution == conditional and condition.application == plan
        event = AuditEvent.objects.get(action="conditions_set")
        assert event.actor == staff and event.application == plan and event.created_at == MEETING_DAY
        assert event.data == {"conditions": [condition.pk]}

    def test_not_for_a_designation_without_conditions(self, staff, secretariat, item):
        resolution = services.record_resolution(
            secretariat, item, at=MEETING_DAY, minutes=minutes_pdf(), **resolution_data()
        )
        services.confirm_resolution(secretariat, resolution, at=MEETING_DAY)
        with pytest.raises(CommitteeRefusal) as exc:
            services.set_conditions(staff, resolution, [("x", DUE)], at=MEETING_DAY)
        assert exc.value.message == "Conditions are followed up only for a confirmed designation with conditions."
        assert not Condition.objects.exists()

    def test_not_for_a_draft_conditional_designation(self, staff, secretariat, item):
        draft = services.record_resolution(
            secretariat,
            item,
            at=MEETING_DAY,
            minutes=minutes_pdf(),
            **resolution_data("designated_with_conditions", conditions="c"),
        )
        with pytest.raises(CommitteeRefusal, match="confirmed designation with conditions"):
            services.set_conditions(staff, draft, [("x", DUE)], at=MEETING_DAY)

    def test_due_dates_are_korea_days_to_the_last_microsecond(self, staff, conditional):
        last_instant = datetime.datetime(2026, 7, 20, 23, 59, 59, 999999, tzinfo=KST)  # 14:59:59.999999 UTC
        services.set_conditions(staff, conditional, [("x", datetime.date(2026, 7, 20))], at=last_instant)
        with pytest.raises(CommitteeRefusal) as exc:
            services.set_conditions(
                staff,
                conditional,
                [("y", datetime.date(2026, 7, 21)), ("z", datetime.date(2026, 7, 20))],
                at=last_instant + datetime.timedelta(microseconds=1),
            )
        assert exc.value.message == "A condition's due date has already passed."
        assert Condition.objects.count() == 1

    def test_at_most_twenty_per_plan(self, staff, conditional):
        services.set_conditions(staff, conditional, [(f"조건 {n}", DUE) for n in range(19)], at=MEETING_DAY)
        with pytest.raises(CommitteeRefusal) as exc:
            services.set_conditions(staff, conditional, [("a", DUE), ("b", DUE)], at=MEETING_DAY)
        assert exc.value.message == "At most 20 conditions per plan."
        (twentieth,) = services.set_conditions(staff, conditional, [("a", DUE)], at=MEETING_DAY)
        assert twentieth.position == 20
        with pytest.raises(CommitteeRefusal, match="At most 20"):
            services.set_conditions(staff, conditional, [("b", DUE)], at=MEETING_DAY)
        assert Condition.objects.count() == 20

    def test_the_messages(self, staff, secretariat, conditional):
        with pytest.raises(CommitteeRefusal) as exc:
            services.set_conditions(secretariat, conditional, [("x", DUE)], at=MEETING_DAY)
        assert exc.value.message == "Only ministry staff follow up the conditions."
        with pytest.raises(CommitteeRefusal) as exc:
            services.set_conditions(staff, conditional, [(" \n", DUE)], at=MEETING_DAY)
        assert exc.value.message == "Give at least one condition."


class TestAnsweringChecks:
    def test_an_answer_is_stored_and_audited(self, staff, conditional, plan, plan_owner):
        condition = set_two(staff, conditional)[1]
        answer = services.answer_condition(plan_owner, condition, text="계획 확정", upload=pdf(), at=AFTER_ANNOUNCEMENT)
        answer.refresh_from_db()
        assert answer.condition == condition and answer.text == "계획 확정"
        assert answer.submitted_by == plan_owner and answer.submitted_at == AFTER_ANNOUNCEMENT
        assert (answer.file_name, answer.file_type) == ("답변.pdf", "application/pdf") and answer.file.name.endswith(
            ".pdf"
        )
        assert answer.accepted is None
        assert Condition.objects.get(pk=condition.pk).status == Condition.Status.ANSWERED
        event = AuditEvent.objects.get(action="condition_answered")
        assert event.actor == plan_owner and event.application == plan and event.created_at == AFTER_ANNOUNCEMENT
        assert event.data == {"condition": condition.pk, "answer": answer.pk, "file": answer.file_sha256}

    def test_an_answer_without_a_file(self, staff, conditional, plan_owner):
        condition = set_two(staff, conditional)[0]
        answer = services.answer_condition(plan_owner, condition, text="계획 확정", at=AFTER_ANNOUNCEMENT)
        assert not answer.file and answer.file_sha256 == ""
        assert AuditEvent.objects.get(action="condition_answered").data["file"] is None

    def test_the_answer_needs_text(self, staff, conditional, plan_owner):
        condition = set_two(staff, conditional)[0]
        with pytest.raises(CommitteeRefusal) as exc:
            services.answer_condition(plan_owner, condition, text=" \n ", at=AFTER_ANNOUNCEMENT)
        assert exc.value.message == "Write the answer." and exc.value.field_errors == {"text": "Write the answer."}
        assert Condition.objects.get(pk=condition.pk).status == Condition.Status.OPEN

    def test_a_file_of_a_refused_kind(self, staff, conditional, plan_owner):
        condition = set_two(staff, conditional)[0]
        bad = SimpleUploadedFile("답변.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 32, content_type="application/pdf")
        with pytest.raises(CommitteeRefusal) as exc:
            services.answer_condition(plan_owner, condition, text="x", upload=bad, at=AFTER_ANNOUNCEMENT)
        message = "“답변.pdf” is a PNG file, so its name must end in .png. Rename it and upload it again."
        assert exc.value.message == message and exc.value.field_errors == {"upload": message}
        assert Condition.objects.get(pk=condition.pk).status == Condition.Status.OPEN
        assert not AuditEvent.objects.filter(action="condition_answered").exists()

    def test_other_kinds_than_pdf_are_accepted(self, staff, conditional, plan_owner):
        condition = set_two(staff, conditional)[0]
        png = SimpleUploadedFile("사진.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 32, content_type="image/png")
        answer = services.answer_condition(plan_owner, condition, text="x", upload=png, at=AFTER_ANNOUNCEMENT)
        assert answer.file_type == "image/png" and answer.file_name == "사진.png"

    def test_the_messages(self, staff, conditional):
        condition = set_two(staff, conditional)[0]
        with pytest.raises(CommitteeRefusal) as exc:
            services.answer_condition(UserFactory(), condition, text="x", at=AFTER_ANNOUNCEMENT)
        assert exc.value.message == "Only the plan's owners and editors answer its conditions."


class TestDecidingChecks:
    @pytest.fixture
    def answered_twice(self, staff, conditional, plan_owner):
        condition = set_two(staff, conditional)[0]
        services.answer_condition(plan_owner, condition, text="초안", at=AFTER_ANNOUNCEMENT)
        services.decide_condition(staff, condition, met=False, note="근거 부족", at=AFTER_ANNOUNCEMENT)
        services.answer_condition(plan_owner, condition, text="근거 첨부", at=AFTER_ANNOUNCEMENT)
        return condition

    def test_the_latest_answer_is_decided(self, staff, answered_twice, plan, plan_owner):
        decided_at = AFTER_ANNOUNCEMENT + datetime.timedelta(days=1)
        services.decide_condition(staff, answered_twice, met=True, note="확인", at=decided_at)
        first, second = answered_twice.answers.order_by("pk")
        assert (first.accepted, first.staff_note, first.decided_at) == (False, "근거 부족", AFTER_ANNOUNCEMENT)
        assert (second.accepted, second.staff_note, second.decided_by, second.decided_at) == (
            True,
            "확인",
            staff,
            decided_at,
        )
        answered_twice.refresh_from_db()
        assert answered_twice.status == Condition.Status.MET and answered_twice.met_at == decided_at
        event = AuditEvent.objects.get(action="condition_met")
        assert event.actor == staff and event.application == plan and event.reason == "확인"
        assert event.created_at == decided_at and event.data == {"condition": answered_twice.pk, "answer": second.pk}
        message = OutboxMessage.objects.get(reference=f"committee.condition:{answered_twice.pk}:answer:{second.pk}")
        assert message.to == [plan_owner.email] and message.created_by == staff
        assert message.subject == f'"{plan.title}" 조건 1 이행이 인정되었습니다'  # in Korean, the applicant's language
        assert "조건 이행이 인정되었습니다." in message.body

    def test_the_answer_decided_is_the_last_one_made_even_if_its_request_arrived_first(
        self, staff, conditional, plan_owner
    ):
        # the second answer's request arrived (and was stamped) before the first one's, but was handled after
        # the staff had asked again: it is the answer under review, the first one keeps its verdict
        condition = set_two(staff, conditional)[0]
        minutes = [AFTER_ANNOUNCEMENT + datetime.timedelta(minutes=n) for n in range(4)]
        first = services.answer_condition(plan_owner, condition, text="초안", at=minutes[1])
        services.decide_condition(staff, condition, met=False, note="근거 부족", at=minutes[2])
        second = services.answer_condition(plan_owner, condition, text="근거 첨부", at=minutes[0])  # a slow upload
        services.decide_condition(staff, condition, met=True, at=minutes[3])
        first.refresh_from_db()
        second.refresh_from_db()
        assert (first.accepted, first.staff_note) == (False, "근거 부족")
        assert second.accepted is True and second.decided_by == staff

    def test_asking_again_says_what_is_missing(self, staff, conditional, plan, plan_owner):
        condition = set_two(staff, conditional)[0]
        answer = services.answer_condition(plan_owner, condition, text="초안", at=AFTER_ANNOUNCEMENT)
        services.decide_condition(staff, condition, met=False, note="근거 부족", at=AFTER_ANNOUNCEMENT)
        condition.refresh_from_db()
        assert condition.status == Condition.Status.OPEN and condition.met_at is None
        event = AuditEvent.objects.get(action="condition_asked_again")
        assert event.reason == "근거 부족" and event.data == {"condition": condition.pk, "answer": answer.pk}
        message = OutboxMessage.objects.get(reference=f"committee.condition:{condition.pk}:answer:{answer.pk}")
        assert message.subject == f'"{plan.title}" 조건 1: 보완하여 다시 답변해 주십시오'
        assert "근거 부족" in message.body and "2026-12-31" in message.body

    def test_met_needs_no_note(self, staff, conditional, plan_owner):
        condition = set_two(staff, conditional)[0]
        answer = services.answer_condition(plan_owner, condition, text="완료", at=AFTER_ANNOUNCEMENT)
        services.decide_condition(staff, condition, met=True, at=AFTER_ANNOUNCEMENT)
        answer.refresh_from_db()
        assert answer.accepted is True and answer.staff_note == ""
        assert AuditEvent.objects.get(action="condition_met").reason == ""

    def test_a_blank_note_is_no_reason(self, staff, conditional, plan_owner):
        condition = set_two(staff, conditional)[0]
        services.answer_condition(plan_owner, condition, text="초안", at=AFTER_ANNOUNCEMENT)
        with pytest.raises(CommitteeRefusal) as exc:
            services.decide_condition(staff, condition, met=False, note=" \n", at=AFTER_ANNOUNCEMENT)
        assert exc.value.message == "Say what is still missing."
        assert exc.value.field_errors == {"note": "Say what is still missing."}
        assert Condition.objects.get(pk=condition.pk).status == Condition.Status.ANSWERED

    def test_only_staff_decide(self, secretariat, staff, conditional, plan_owner):
        condition = set_two(staff, conditional)[0]
        services.answer_condition(plan_owner, condition, text="초안", at=AFTER_ANNOUNCEMENT)
        with pytest.raises(CommitteeRefusal) as exc:
            services.decide_condition(secretariat, condition, met=True, at=AFTER_ANNOUNCEMENT)
        assert exc.value.message == "Only ministry staff follow up the conditions."
        assert Condition.objects.get(pk=condition.pk).status == Condition.Status.ANSWERED


def test_each_condition_service_loads_what_it_needs_once(staff, conditional, plan_owner, django_assert_max_num_queries):
    # figures measured on PostgreSQL, audit rows and e-mails included: the resolution comes with its plan, the
    # condition with its plan and call (answering) or organisation (deciding); the answer's file is written with
    # the answer's own row. Kept exact (issue 11): one more query means a lost select_related.
    with django_assert_max_num_queries(10):
        (condition,) = services.set_conditions(staff, conditional, [("용수 공급계획 확정", DUE)], at=MEETING_DAY)
    with django_assert_max_num_queries(9):
        services.answer_condition(plan_owner, condition, text="완료", upload=pdf(), at=AFTER_ANNOUNCEMENT)
    with django_assert_max_num_queries(13):
        services.decide_condition(staff, condition, met=True, at=AFTER_ANNOUNCEMENT)


class TestReminding:
    FOURTEEN_BEFORE = datetime.datetime(2026, 12, 17, 9, 0, tzinfo=KST)

    def test_only_open_conditions_are_reminded(self, staff, conditional, plan, plan_owner):
        first, second = set_two(staff, conditional)
        services.answer_condition(plan_owner, first, text="완료", at=AFTER_ANNOUNCEMENT)
        assert services.remind_conditions(self.FOURTEEN_BEFORE) == 1
        (message,) = OutboxMessage.objects.filter(reference__contains=":reminder:")
        assert message.reference == f"committee.condition:{second.pk}:reminder:14"
        assert message.to == [plan_owner.email] and message.created_by is None
        assert (
            message.subject == f'"{plan.title}" 조건 2의 이행 기한이 14일 남았습니다'
            and "2026-12-31" in message.body
            and second.text in message.body
        )

    def test_nothing_before_the_announcement(self, staff, conditional, call):
        set_two(staff, conditional)
        call.announcement_at = datetime.datetime(2026, 12, 18, 9, 0, tzinfo=KST)
        call.save(update_fields=["announcement_at"])
        assert services.remind_conditions(self.FOURTEEN_BEFORE) == 0
        assert not OutboxMessage.objects.filter(reference__contains=":reminder:").exists()

    def test_the_days_are_korea_days(self, staff, conditional):
        condition = set_two(staff, conditional)[0]
        # 2026-12-27 16:00 UTC is already 12-28 in Seoul: 3 days before the due date
        assert services.remind_conditions(datetime.datetime(2026, 12, 27, 16, 0, tzinfo=datetime.UTC)) == 2
        message = OutboxMessage.objects.get(reference=f"committee.condition:{condition.pk}:reminder:3")
        assert message.subject.endswith("조건 1의 이행 기한이 3일 남았습니다")

    def test_a_call_not_yet_announced_does_not_stop_the_others(self, staff, secretariat, conditional, call):
        first, second = set_two(staff, conditional)
        other_call = CallFactory(
            fields=[FieldFactory(code="SEM")], announcement_at=ANNOUNCEMENT, document_number_prefix="반도체과"
        )
        other_item = services.add_to_agenda(
            secretariat, make_meeting(other_call, created_by=secretariat), referred_plan(other_call), at=MEETING_DAY
        )
        resolution = services.record_resolution(
            secretariat,
            other_item,
            at=MEETING_DAY,
            minutes=minutes_pdf(),
            **resolution_data("designated_with_conditions", conditions="c"),
        )
        services.confirm_resolution(secretariat, resolution, at=MEETING_DAY)
        (other,) = services.set_conditions(staff, resolution, [("용수", DUE)], at=MEETING_DAY)
        after_the_reminder_day = datetime.datetime(2026, 12, 18, 9, 0, tzinfo=KST)

        def reminded():
            return set(
                OutboxMessage.objects.filter(reference__contains=":reminder:").values_list("reference", flat=True)
            )

        # each call in turn is announced only after the reminder day: whichever plan comes first, the other's
        # conditions are reminded
        Call.objects.filter(pk=call.pk).update(announcement_at=after_the_reminder_day)
        assert services.remind_conditions(self.FOURTEEN_BEFORE) == 1
        assert reminded() == {f"committee.condition:{other.pk}:reminder:14"}
        Call.objects.filter(pk=call.pk).update(announcement_at=ANNOUNCEMENT)
        Call.objects.filter(pk=other_call.pk).update(announcement_at=after_the_reminder_day)
        assert services.remind_conditions(self.FOURTEEN_BEFORE) == 2
        assert reminded() == {f"committee.condition:{condition.pk}:reminder:14" for condition in (first, second, other)}

    def test_the_plan_its_call_and_organisation_come_with_the_conditions(
        self, staff, conditional, django_assert_max_num_queries
    ):
        set_two(staff, conditional)
        # measured on PostgreSQL: per reminder day (14, 3) the conditions due with their plan, call and
        # organisation in one query, then per condition its contact e-mails and the outbox (look-up, insert)
        with django_assert_max_num_queries(8):
            assert services.remind_conditions(self.FOURTEEN_BEFORE) == 2


def test_reminding_loads_each_condition_with_its_plan_call_and_organisation(
    staff, conditional, django_assert_max_num_queries
):
    # measured on PostgreSQL: one query per reminder day, then per e-mail the contact addresses, the outbox's
    # look-up by reference and its insert; a lost select_related costs one query more per condition (issue 11)
    set_two(staff, conditional)
    with django_assert_max_num_queries(8):
        assert services.remind_conditions(TestReminding.FOURTEEN_BEFORE) == 2
