"""In Chromium, the steps issue 13 added to the cycle, each by its role and each page through axe-core: the
consultation with related ministries, the scheduled announcement, a conditional designation whose condition
is answered by the applicant and accepted by staff, the to-do lists, and verifying the signed notice by its
file. Steps the portal had before (moving a plan on, recording and confirming the resolution) are taken
through their services. Selectors use ids and URLs, not texts."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts import roles
from applications.models import Application, Call
from applications.workflow import State
from committee import services as committee
from committee.models import Condition, DecisionNotice
from reviews import services as reviews
from reviews.models import Consultation, Stage
from tests.factories import (
    KST,
    CallFactory,
    ExpertFactory,
    FieldFactory,
    MembershipFactory,
    UserFactory,
    assign,
    make_meeting,
    make_panel,
    make_rubric,
    reviewable_plan,
    submitted_review,
)
from tests.fixtures import assert_accessible, browser_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-staple"
CONSULTING = datetime.datetime(2026, 5, 4, 10, 0, tzinfo=KST)
MEETING_DAY = datetime.datetime(2026, 7, 15, 11, 0, tzinfo=KST)
ANNOUNCEMENT = datetime.datetime(2026, 7, 31, 10, 0, tzinfo=KST)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SCORES = (25, 20, 15, 10, 10, 10, 10)


def submit(page, form_selector):
    with page.expect_navigation():  # wait for the POST's answer, not the page it was sent from
        page.locator(f"{form_selector} button[type=submit]").click()


def test_consultation_announcement_conditions_and_a_self_proving_notice(page, live_server, settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call = CallFactory(slug="2026", fields=[FieldFactory(code="BAT")], announcement_at=None)
    make_rubric(call)
    make_rubric(call, Stage.SUBCOMMITTEE)
    plan = reviewable_plan(call)
    expert = ExpertFactory()
    submitted_review(assign(make_panel(call, members=[expert]), plan, expert), SCORES)
    member = ExpertFactory(roles=[roles.SUBCOMMITTEE_MEMBER])
    staff = UserFactory(email="staff@example.kr", roles=[roles.MINISTRY_STAFF])
    chair = UserFactory(email="chair@example.kr", roles=[roles.SUBCOMMITTEE_CHAIR])
    secretariat = UserFactory(email="secretariat@example.kr", roles=[roles.SECRETARIAT])
    owner = MembershipFactory(organization=plan.organization, user=UserFactory(email="owner@ulsan.go.kr")).user
    answer_file = tmp_path / "답변서.pdf"
    answer_file.write_bytes(PDF)

    # 1. Staff consult two ministries and record their opinions; the plan is in consultation meanwhile.
    with time_machine.travel(CONSULTING, tick=True):
        browser_log_in(page, staff.email, PASSWORD)
        page.goto(f"/reviews/staff/plans/{plan.pk}/consultation/")
        assert_accessible(page, context="consultation, nobody asked")
        page.locator("#id_ministries").fill("국토교통부\n환경부")
        page.locator("#id_due_on").fill("2026-05-18")
        page.locator("#id_question").fill("용수 공급과 진입도로 계획 검토")
        submit(page, "form[action$='/consultation/request/']")
        assert Application.objects.get(pk=plan.pk).status == State.CONSULTATION
        for consultation in Consultation.objects.filter(application=plan):
            prefix = f"#id_opinion-{consultation.pk}"
            page.locator(f"#ministry-{consultation.pk} ~ details summary").click()
            page.locator(f"{prefix}-opinion").fill(f"{consultation.ministry}: 이견 없음")
            page.locator(f"{prefix}-dated").fill("2026-05-04")
            submit(page, f"form[action$='/consultations/{consultation.pk}/opinion/']")
        assert not Consultation.objects.filter(application=plan, recorded_at=None).exists()
        assert_accessible(page, context="consultation, both answered")
        reviews.move_to_subcommittee(staff, Application.objects.get(pk=plan.pk), at=CONSULTING)
        # 2. ... and schedule the announcement on the call's timeline.
        page.goto("/staff/calls/2026/timeline/")
        assert_accessible(page, context="call timeline")
        page.locator("#id_announcement_at").fill("2026-07-31T10:00")
        page.locator("#id_reason").fill("위원회 의결 후 보도 일정")
        submit(page, "form[action$='/timeline/']")
        assert Call.objects.get(pk=call.pk).announcement_at == ANNOUNCEMENT

    # 3. The subcommittee reads the ministries' opinions beside the panel's results; the chair refers the plan.
    submitted_review(assign(make_panel(call, stage=Stage.SUBCOMMITTEE, members=[member, chair]), plan, member), SCORES)
    page.context.clear_cookies()
    with time_machine.travel(CONSULTING + datetime.timedelta(days=20), tick=True):
        browser_log_in(page, chair.email, PASSWORD)
        page.goto(f"/reviews/subcommittee/plans/{plan.pk}/")
        assert page.locator("#opinions-h").count() == 1 and "국토교통부: 이견 없음" in page.content()
        assert_accessible(page, context="subcommittee plan with opinions")
        reviews.finalise_recommendation(
            chair, Application.objects.get(pk=plan.pk), decision="recommend_with_conditions",
            conditions="용수 공급계획 확정", reasons="우수", at=CONSULTING + datetime.timedelta(days=20),
        )  # fmt: skip

    # 4. The committee designates with conditions; the notice is rendered and signed.
    meeting = make_meeting(Call.objects.get(pk=call.pk), created_by=secretariat)
    item = committee.add_to_agenda(secretariat, meeting, Application.objects.get(pk=plan.pk), at=MEETING_DAY)
    resolution = committee.record_resolution(
        secretariat, item, minutes=SimpleUploadedFile("m.pdf", PDF, content_type="application/pdf"),
        decision="designated_with_conditions", conditions="용수 공급계획 확정", reasons="우수",
        votes_for=3, votes_against=0, votes_abstaining=0, at=MEETING_DAY,
    )  # fmt: skip
    committee.confirm_resolution(secretariat, resolution, at=MEETING_DAY)
    notice = DecisionNotice.objects.get(resolution=resolution)
    assert notice.is_ready

    # 5. After the announcement, staff set the condition up (their My page says so) ...
    page.context.clear_cookies()
    with time_machine.travel(ANNOUNCEMENT + datetime.timedelta(hours=1), tick=True):
        browser_log_in(page, staff.email, PASSWORD)
        assert page.locator("#todo-conditions").count() == 1
        assert_accessible(page, context="staff My page")
        page.goto(f"/committee/plans/{plan.pk}/conditions/")
        assert_accessible(page, context="conditions, none set")
        page.locator("#id_text").fill("용수 공급계획 확정")
        page.locator("#id_due_on").fill("2026-12-31")
        submit(page, f"form[action$='/plans/{plan.pk}/conditions/']")
        condition = Condition.objects.get(application=plan)

        # 6. ... the applicant answers it with a file ...
        page.context.clear_cookies()
        browser_log_in(page, owner.email, PASSWORD)
        page.goto(f"/plans/{plan.pk}/")
        assert page.locator(f"a[href='/plans/{plan.pk}/conditions/1/']").count() == 1
        page.goto(f"/plans/{plan.pk}/conditions/1/")
        assert_accessible(page, context="condition, to answer")
        page.locator("#id_text").fill("용수 공급계획 확정 공문을 첨부합니다.")
        page.locator("#id_upload").set_input_files(str(answer_file))
        submit(page, "form[enctype='multipart/form-data']")
        assert Condition.objects.get(pk=condition.pk).status == Condition.Status.ANSWERED
        assert_accessible(page, context="condition, answered")

        # 7. ... and staff accept it: the public list says the conditions are met.
        page.context.clear_cookies()
        browser_log_in(page, staff.email, PASSWORD)
        page.goto(f"/committee/plans/{plan.pk}/conditions/")
        assert_accessible(page, context="conditions, answer to judge")
        page.locator(f"#id_c{condition.pk}-verdict_0").check()
        submit(page, f"form[action$='/conditions/{condition.pk}/decide/']")
        assert Condition.objects.get(pk=condition.pk).status == Condition.Status.MET
        page.goto("/designations/")
        assert "모든 조건 이행 완료" in page.content()  # "All conditions met"
        assert_accessible(page, context="designations with conditions met")

        # 8. Anyone verifies the notice by its PDF file.
        page.context.clear_cookies()
        notice_file = tmp_path / "notice.pdf"
        notice_file.write_bytes(notice.pdf.open("rb").read())
        page.goto("/verify/")
        page.locator("#id_pdf").set_input_files(str(notice_file))
        submit(page, "form[action$='/verify/file/']")
        assert notice.document_number in page.content()
        assert_accessible(page, context="verify by file, genuine")
