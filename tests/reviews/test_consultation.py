"""The consultation with related ministries (issue 13): a stage between the expert panel and the
subcommittee, registered by the reviews room; staff ask ministries, record their opinions (text and file),
and the subcommittee reads them beside the advisory results."""

import datetime
import os
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from accounts import roles
from applications.models import Application, AuditEvent
from applications.workflow import State, TransitionError
from reviews import services
from reviews.models import Consultation, Panel, Stage
from reviews.services import ReviewRefused
from tests.factories import KST, ExpertFactory, UserFactory, assign, make_panel, reviewable_plan, submitted_review

pytestmark = pytest.mark.django_db

AT = datetime.datetime(2026, 5, 4, 10, 0, tzinfo=KST)
DUE = datetime.date(2026, 5, 18)
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SCORES = (25, 20, 15, 10, 10, 10, 10)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def plan(review_call, rubric):
    """A plan whose every assigned evaluator has submitted."""
    plan = reviewable_plan(review_call)
    expert = ExpertFactory()
    submitted_review(assign(make_panel(review_call, members=[expert]), plan, expert), SCORES)
    return plan


def fresh(plan):
    return Application.objects.get(pk=plan.pk)


def ask(staff, plan, ministries=("국토교통부", "환경부"), **extra):
    return services.request_opinions(staff, fresh(plan), ministries=list(ministries), due_on=DUE, at=AT, **extra)


def opinion_pdf(name="의견서.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


class TestAsking:
    def test_the_first_request_opens_the_consultation(self, staff, plan):
        created = ask(staff, plan, question="용수 공급 계획 검토")
        assert [c.ministry for c in created] == ["국토교통부", "환경부"]
        assert fresh(plan).status == State.CONSULTATION
        assert AuditEvent.objects.filter(application=plan, action="start_consultation").exists()
        event = AuditEvent.objects.get(application=plan, action="opinions_requested")
        assert event.data == {"ministries": ["국토교통부", "환경부"], "due_on": "2026-05-18"}
        ask(staff, plan, ministries=["기획재정부"])  # more while it lasts
        assert Consultation.objects.filter(application=plan).count() == 3

    def test_a_ministry_is_asked_once(self, staff, plan):
        ask(staff, plan)
        with pytest.raises(ReviewRefused, match="Already asked: 환경부"):
            ask(staff, plan, ministries=["환경부"])
        with pytest.raises(ReviewRefused, match="named twice"):
            ask(staff, plan, ministries=["산림청", " 산림청 "])

    def test_not_before_every_review_is_in_without_a_reason(self, staff, plan, review_call):
        panel = Panel.objects.get(call=review_call, stage=Stage.ADVISORY)
        late = ExpertFactory()
        panel.members.add(late)
        assign(panel, plan, late)  # assigned, not submitted
        with pytest.raises(TransitionError):
            ask(staff, plan)
        assert fresh(plan).status == State.ADVISORY_REVIEW and not Consultation.objects.exists()
        ask(staff, plan, reason="부처 일정상 선협의")
        assert AuditEvent.objects.get(application=plan, action="start_consultation_override").reason

    def test_due_date_bounds_in_korea_time(self, staff, plan):
        late_evening = datetime.datetime(2026, 5, 4, 23, 30, tzinfo=KST)  # 14:30 UTC, still the 4th in Seoul
        with pytest.raises(ReviewRefused, match="due date has passed"):
            services.request_opinions(
                staff, fresh(plan), ministries=["환경부"], due_on=datetime.date(2026, 5, 3), at=late_evening
            )
        services.request_opinions(
            staff, fresh(plan), ministries=["환경부"], due_on=datetime.date(2026, 5, 4), at=late_evening
        )

    @pytest.mark.parametrize("status", [State.SCREENED, State.SUBCOMMITTEE, State.COMMITTEE])
    def test_only_between_the_panel_and_the_subcommittee(self, staff, plan, status):
        Application.objects.filter(pk=plan.pk).update(status=status)
        with pytest.raises(ReviewRefused, match="after the expert review"):
            ask(staff, plan)

    def test_only_staff(self, plan):
        with pytest.raises(ReviewRefused):
            ask(UserFactory(roles=[roles.SUBCOMMITTEE_CHAIR]), plan)


class TestOpinions:
    def test_recorded_with_text_and_file(self, staff, plan):
        consultation = ask(staff, plan)[0]
        services.record_opinion(
            staff, consultation, opinion="이견 없음", dated=datetime.date(2026, 5, 3), upload=opinion_pdf(), at=AT
        )
        consultation.refresh_from_db()
        assert consultation.answered and consultation.opinion == "이견 없음"
        assert consultation.opinion_file_name == "의견서.pdf" and len(consultation.opinion_file_sha256) == 64
        assert AuditEvent.objects.filter(application=plan, action="opinion_recorded").count() == 1

    def test_refusals(self, staff, plan):
        consultation = ask(staff, plan)[0]
        with pytest.raises(ReviewRefused, match="text or attach"):
            services.record_opinion(staff, consultation, opinion=" ", dated=AT.date(), at=AT)
        with pytest.raises(ReviewRefused, match="in the future"):
            services.record_opinion(staff, consultation, opinion="의견", dated=DUE, at=AT)
        fake = SimpleUploadedFile("의견서.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
        with pytest.raises(ReviewRefused):
            services.record_opinion(staff, consultation, opinion="", dated=AT.date(), upload=fake, at=AT)
        assert not Consultation.objects.get(pk=consultation.pk).answered

    def test_moving_on_waits_for_every_opinion_or_a_reason(self, staff, plan):
        first, second = ask(staff, plan)
        services.record_opinion(staff, first, opinion="동의", dated=AT.date(), at=AT)
        with pytest.raises(TransitionError, match="Waiting for the opinion of: 환경부"):
            services.move_to_subcommittee(staff, fresh(plan), at=AT)
        services.record_opinion(staff, second, opinion="조건부 동의", dated=AT.date(), at=AT)
        services.move_to_subcommittee(staff, fresh(plan), at=AT)
        assert fresh(plan).status == State.SUBCOMMITTEE
        with pytest.raises(ReviewRefused) as refused:
            services.record_opinion(staff, second, opinion="변경", dated=AT.date(), at=AT)
        assert str(refused.value.message) == (
            "The consultation of this plan is over; its opinions can no longer change."
        )
        assert Consultation.objects.get(pk=second.pk).opinion == "조건부 동의"

    def test_a_reason_moves_on_without_them(self, staff, plan):
        ask(staff, plan)
        services.move_to_subcommittee(staff, fresh(plan), reason="회신 지연, 분과위 일정 우선", at=AT)
        assert fresh(plan).status == State.SUBCOMMITTEE


class TestPages:
    def test_staff_ask_and_record_through_the_page(self, client, staff, plan):
        client.force_login(staff)
        page_url = reverse("reviews:staff_consultation", args=[plan.pk])
        assert "No ministry has been asked" in client.get(page_url, **EN).content.decode()
        response = client.post(
            reverse("reviews:staff_request_opinions", args=[plan.pk]),
            {"ministries": "국토교통부\n환경부", "due_on": "2026-12-31", "question": "용수"},
        )
        assert response.status_code == 302
        consultation = Consultation.objects.get(ministry="환경부")
        prefix = f"opinion-{consultation.pk}"
        bad = client.post(
            reverse("reviews:staff_record_opinion", args=[consultation.pk]),
            {f"{prefix}-opinion": "", f"{prefix}-dated": "2020-01-01"},
            **EN,
        )
        assert bad.status_code == 400 and "Give the opinion" in bad.content.decode()
        client.post(
            reverse("reviews:staff_record_opinion", args=[consultation.pk]),
            {
                f"{prefix}-opinion": "환경영향평가 선행 필요",
                f"{prefix}-dated": "2020-01-01",
                f"{prefix}-upload": opinion_pdf(),
            },
        )
        page = client.get(page_url, **EN).content.decode()
        assert "환경영향평가 선행 필요" in page and "Opinion received" in page and "Waiting for the opinion" in page
        download = client.get(reverse("reviews:staff_opinion_file", args=[consultation.pk]))
        assert b"".join(download.streaming_content) == PDF and download["X-Content-Type-Options"] == "nosniff"

    def test_the_subcommittee_reads_them_and_others_get_404(self, client, staff, plan, review_call, applicant):
        consultation = ask(staff, plan)[0]
        services.record_opinion(staff, consultation, opinion="동의", dated=AT.date(), upload=opinion_pdf(), at=AT)
        services.move_to_subcommittee(staff, fresh(plan), reason="일정", at=AT)
        member = ExpertFactory(roles=[roles.SUBCOMMITTEE_MEMBER])
        assign(make_panel(review_call, stage=Stage.SUBCOMMITTEE, members=[member]), plan, member)
        client.force_login(member)
        page = client.get(reverse("reviews:subcommittee_plan", args=[plan.pk]), **EN).content.decode()
        assert "Opinions of related ministries" in page and "국토교통부" in page and "동의" in page
        file_url = reverse("reviews:subcommittee_opinion_file", args=[plan.pk, consultation.pk])
        assert client.get(file_url).status_code == 200
        client.force_login(applicant)
        assert client.get(file_url).status_code == 404
        assert client.get(reverse("reviews:staff_consultation", args=[plan.pk])).status_code == 403


class TestServiceChecks:
    """request_opinions and record_opinion asked directly: each check they own, with what the user reads."""

    def test_asking_stores_who_when_what_and_until_when(self, staff, plan):
        consultation = ask(staff, plan, ministries=["  국토 \t 교통부 ", " "], question="용수 공급")[0]
        stored = Consultation.objects.get()
        assert stored == consultation and stored.ministry == "국토 교통부"
        assert (stored.question, stored.due_on, stored.requested_by, stored.requested_at) == (
            "용수 공급",
            DUE,
            staff,
            AT,
        )
        assert not stored.answered
        event = AuditEvent.objects.get(application=plan, action="opinions_requested")
        assert (event.actor, event.created_at) == (staff, AT)
        start = AuditEvent.objects.get(application=plan, action="start_consultation")
        assert (start.actor, start.created_at) == (staff, AT)

    def test_asking_refusals_name_their_field(self, staff, plan):
        with pytest.raises(ReviewRefused) as refused:
            ask(UserFactory(roles=[roles.SUBCOMMITTEE_CHAIR]), plan)
        assert str(refused.value.message) == "Only ministry staff may consult other ministries."
        cases = [
            ({"ministries": [" ", ""]}, "ministries", "Name at least one ministry."),
            ({"ministries": ["산림청", "산림청 "]}, "ministries", "A ministry is named twice."),
            ({"due_on": datetime.date(2026, 5, 3)}, "due_on", "The due date has passed."),
        ]
        for changed, field, message in cases:
            arguments = {"ministries": ["환경부"], "due_on": DUE, "at": AT, **changed}
            with pytest.raises(ReviewRefused) as refused:
                services.request_opinions(staff, fresh(plan), **arguments)
            assert str(refused.value.message) == message
            assert {k: str(v) for k, v in refused.value.field_errors.items()} == {field: message}
        assert fresh(plan).status == State.ADVISORY_REVIEW and not Consultation.objects.exists()

    def test_due_today_in_korea_is_not_past(self, staff, plan):
        ask(staff, plan, ministries=["환경부"])
        assert (Consultation.objects.get().due_on, Consultation.objects.get().question) == (DUE, "")
        services.request_opinions(staff, fresh(plan), ministries=["산림청"], due_on=AT.date(), at=AT)
        assert Consultation.objects.get(ministry="산림청").due_on == AT.date()

    def test_asking_again_names_every_ministry_already_asked(self, staff, plan):
        ask(staff, plan)
        with pytest.raises(ReviewRefused) as refused:
            ask(staff, plan, ministries=["환경부", "산림청", "국토교통부"])
        message = "Already asked: 환경부, 국토교통부."
        assert str(refused.value.message) == message and refused.value.field_errors == {"ministries": message}
        assert Consultation.objects.count() == 2

    def test_the_status_refusal_is_the_stage_message(self, staff, plan):
        Application.objects.filter(pk=plan.pk).update(status=State.SUBCOMMITTEE)
        with pytest.raises(ReviewRefused) as refused:
            ask(staff, plan)
        assert str(refused.value.message) == (
            "Ministries are consulted after the expert review and before the subcommittee."
        )

    def test_a_blank_reason_is_no_override(self, staff, plan):
        ask(staff, plan, reason="   ")
        assert AuditEvent.objects.filter(application=plan, action="start_consultation").exists()
        assert not AuditEvent.objects.filter(application=plan, action="start_consultation_override").exists()

    def test_recording_stores_the_text_the_date_and_who_and_audits_without_a_file(self, staff, plan):
        consultation = ask(staff, plan)[0]
        recorded_at = AT + datetime.timedelta(hours=2)
        returned = services.record_opinion(
            staff, consultation, opinion="이견 없음", dated=datetime.date(2026, 5, 1), at=recorded_at
        )
        stored = Consultation.objects.get(pk=consultation.pk)
        assert returned == stored
        assert (stored.opinion, stored.opinion_dated, stored.recorded_by, stored.recorded_at) == (
            "이견 없음",
            datetime.date(2026, 5, 1),
            staff,
            recorded_at,
        )
        assert not stored.opinion_file and stored.opinion_file_sha256 == ""
        event = AuditEvent.objects.get(application=plan, action="opinion_recorded")
        assert (event.actor, event.created_at, event.data) == (
            staff,
            recorded_at,
            {"ministry": "국토교통부", "file": None},
        )

    def test_a_second_recording_replaces_the_first_and_both_are_audited(self, staff, plan):
        consultation = ask(staff, plan)[0]
        services.record_opinion(staff, consultation, opinion="동의", dated=AT.date(), at=AT)
        services.record_opinion(staff, consultation, opinion="", dated=AT.date(), upload=opinion_pdf(), at=AT)
        stored = Consultation.objects.get(pk=consultation.pk)
        assert stored.opinion == "" and stored.opinion_file_type == "application/pdf"
        assert stored.opinion_file.read() == PDF
        # The stored name is generated: the ministry's file name never reaches the disk (it is kept for display).
        assert re.fullmatch(r"[0-9a-f]{32}\.pdf", os.path.basename(stored.opinion_file.name))
        assert stored.opinion_file_name == "의견서.pdf"
        events = AuditEvent.objects.filter(application=plan, action="opinion_recorded").order_by("pk")
        assert [e.data["file"] for e in events] == [None, stored.opinion_file_sha256]

    def test_dated_today_in_korea_while_utc_is_still_yesterday(self, staff, plan):
        consultation = ask(staff, plan)[0]
        just_after_midnight = datetime.datetime(2026, 5, 5, 0, 30, tzinfo=KST)  # 15:30 UTC on the 4th
        services.record_opinion(
            staff, consultation, opinion="동의", dated=datetime.date(2026, 5, 5), at=just_after_midnight
        )
        assert Consultation.objects.get(pk=consultation.pk).opinion_dated == datetime.date(2026, 5, 5)

    def test_recording_refusals_name_their_field(self, staff, plan):
        consultation = ask(staff, plan)[0]
        with pytest.raises(ReviewRefused) as refused:
            services.record_opinion(
                UserFactory(roles=[roles.SUBCOMMITTEE_CHAIR]), consultation, opinion="의견", dated=AT.date(), at=AT
            )
        assert str(refused.value.message) == "Only ministry staff may record a ministry's opinion."
        cases = [
            ({"opinion": "  "}, "opinion", "Give the opinion's text or attach its document."),
            ({"dated": AT.date() + datetime.timedelta(days=1)}, "dated", "The opinion cannot be dated in the future."),
        ]
        for changed, field, message in cases:
            arguments = {"opinion": "의견", "dated": AT.date(), "at": AT, **changed}
            with pytest.raises(ReviewRefused) as refused:
                services.record_opinion(staff, consultation, **arguments)
            assert str(refused.value.message) == message
            assert {k: str(v) for k, v in refused.value.field_errors.items()} == {field: message}
        fake = SimpleUploadedFile("의견서.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
        with pytest.raises(ReviewRefused) as refused:
            services.record_opinion(staff, consultation, opinion="", dated=AT.date(), upload=fake, at=AT)
        assert set(refused.value.field_errors) == {"upload"}
        assert refused.value.field_errors["upload"] == refused.value.message
        assert not Consultation.objects.get(pk=consultation.pk).answered
        assert not AuditEvent.objects.filter(action="opinion_recorded").exists()

    def test_a_ministry_asked_about_another_plan_may_be_asked_about_this_one(self, staff, plan, review_call):
        other = reviewable_plan(review_call)
        Application.objects.filter(pk=other.pk).update(status=State.CONSULTATION)
        Consultation.objects.create(
            application=other, ministry="환경부", due_on=DUE, requested_by=staff, requested_at=AT
        )
        assert [c.ministry for c in ask(staff, plan, ministries=["환경부"])] == ["환경부"]
        assert Consultation.objects.filter(ministry="환경부").count() == 2
