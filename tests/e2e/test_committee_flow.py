"""In Chromium: the secretariat from the meeting to sent decision notices, then the applicant downloading the
notice after the announcement, and anyone verifying it. Each page passes axe-core. Selectors use ids and
URLs rather than texts, so the test holds whether the Korean catalogue is compiled or not."""

import datetime
import re

import pytest
import time_machine
from playwright.sync_api import expect

from applications.models import Application
from applications.workflow import State
from committee.models import DecisionNotice
from core.models import OutboxMessage
from tests.factories import KST, CallFactory, FieldFactory, MembershipFactory, UserFactory, referred_plan
from tests.fixtures import assert_accessible

from .test_applicant_path import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-staple"
MEETING_DAY = datetime.datetime(2026, 7, 15, 9, 0, tzinfo=KST)
ANNOUNCEMENT = datetime.datetime(2026, 7, 31, 10, 0, tzinfo=KST)
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_secretariat_to_sent_notices_and_applicant_to_the_pdf(page, browser, live_server, settings, tmp_path):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call = CallFactory(slug="2026", fields=[FieldFactory(code="BAT")], announcement_at=ANNOUNCEMENT)
    plan = referred_plan(call)
    owner = MembershipFactory(organization=plan.organization, user=UserFactory(email="owner@ulsan.go.kr")).user
    UserFactory(email="secretariat@example.kr", roles=["committee_secretariat"])
    members = [UserFactory(full_name=f"위원 {n}", roles=["committee_member"]) for n in range(5)]
    minutes = tmp_path / "minutes.pdf"
    minutes.write_bytes(PDF_BYTES)

    with time_machine.travel(MEETING_DAY, tick=True):
        log_in(page, "secretariat@example.kr", PASSWORD)
        # 1. the meeting: five members, three present
        page.goto("/committee/")
        assert_accessible(page, context="meetings")
        page.goto("/committee/meetings/new/")
        page.locator("#id_call").select_option(str(call.pk))
        page.locator("#id_number").fill("7")
        page.locator("#id_held_at").fill("2026-07-15T10:00")
        page.locator("#id_place").fill("정부서울청사 국무회의실")
        for index in range(5):
            page.locator(f"#id_members_{index}").check()
        for index in range(3):
            page.locator(f"#id_attendees_{index}").check()
        page.locator("#id_chair").select_option(str(members[0].pk))
        assert_accessible(page, context="meeting form")
        page.locator("form button[type=submit]").last.click()
        page.wait_for_url(re.compile(r"/committee/meetings/\d+/$"))

        # 2. the agenda: the referred plan with the subcommittee's recommendation
        page.locator("#id_application").select_option(str(plan.pk))
        page.locator("form[action$='/agenda/'] button[type=submit]").click()
        expect(page.locator("#agenda-heading + .table-responsive table strong").get_by_text(plan.title)).to_be_visible()
        assert_accessible(page, context="meeting with agenda")

        # 3. a vote that does not add up is refused, the form keeps what was typed
        page.locator("a[href*='/committee/agenda/']").first.click()
        page.locator("input[name=decision][value=designated_with_conditions]").check()
        page.locator("#id_conditions").fill("산업용수 공급계획을 2027년까지 확정할 것")
        page.locator("#id_reasons").fill("앵커기업 투자 확실성이 높음")
        page.locator("#id_votes_for").fill("3")
        page.locator("#id_votes_against").fill("1")
        page.locator("#id_votes_abstaining").fill("0")
        page.locator("#id_minutes").set_input_files(str(minutes))
        page.locator("main form button[type=submit]").click()
        expect(page.locator("#id_votes_abstaining.is-invalid")).to_be_visible()
        assert page.locator("#id_reasons").input_value() == "앵커기업 투자 확실성이 높음"
        assert_accessible(page, context="resolution form with errors")
        page.locator("#id_votes_against").fill("0")
        page.locator("#id_minutes").set_input_files(str(minutes))
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(re.compile(r"/committee/resolutions/\d+/$"))
        assert_accessible(page, context="draft resolution")

        # 4. confirm: the plan is designated with conditions, the notice is generated
        page.locator("form[action$='/confirm/'] button[type=submit]").click()  # without the box: refused, said
        page.wait_for_function("document.activeElement && document.activeElement.hasAttribute('data-error-summary')")
        expect(page.locator("[data-error-summary] a[href='#id_understood']")).to_be_visible()
        assert_accessible(page, context="confirmation refused")
        page.locator("#id_understood").check()
        page.locator("form[action$='/confirm/'] button[type=submit]").click()
        page.wait_for_url(re.compile(r"/committee/resolutions/\d+/$"))
        assert Application.objects.get(pk=plan.pk).status == State.DESIGNATED_WITH_CONDITIONS
        notice = DecisionNotice.objects.get()
        assert notice.is_ready

        # 5. the notices page: embargoed until the announcement, nothing can be sent yet
        page.goto(f"/committee/meetings/{notice.resolution.agenda_item.meeting_id}/notices/")
        assert page.locator("#notice-progress .progress").get_attribute("aria-valuenow") == "100"
        assert page.locator("form[action$='/send/'] > button[type=submit]").count() == 0
        assert_accessible(page, context="notices under embargo")
        log_out(page)

    with time_machine.travel(ANNOUNCEMENT + datetime.timedelta(minutes=5), tick=True):
        log_in(page, "secretariat@example.kr", PASSWORD)
        page.goto(f"/committee/meetings/{notice.resolution.agenda_item.meeting_id}/notices/")
        assert page.locator(f"#notice-{notice.pk}").is_checked()
        page.locator("form[action$='/send/'] > button[type=submit]").click()
        message = OutboxMessage.objects.get(reference=f"committee.notice:{notice.pk}")
        assert message.status == OutboxMessage.Status.SENT and message.to == ["owner@ulsan.go.kr"]
        assert page.locator(f"#notice-{notice.pk}").count() == 0  # sent: no longer offered
        assert_accessible(page, context="sent notices")
        log_out(page)

        # 6. the applicant reads the result and downloads the notice
        log_in(page, owner.email, PASSWORD)
        page.goto(f"/plans/{plan.pk}/decision/")
        assert_accessible(page, context="applicant result")
        with page.expect_download() as download:
            page.locator(f"a[href='/plans/{plan.pk}/decision-notice/']").click()
        saved = tmp_path / "notice.pdf"
        download.value.save_as(saved)
        notice.refresh_from_db()
        assert saved.read_bytes() == notice.pdf.open("rb").read()
        log_out(page)

        # 7. anyone can verify it, and the designation is listed publicly
        page.goto("/verify/")
        page.locator("#id_code").fill(notice.display_code)
        page.locator("main form[method=get] button[type=submit]").click()  # the page also checks a PDF file
        expect(page.get_by_text(notice.sha256)).to_be_visible()
        assert_accessible(page, context="verification")
        page.goto("/designations/")
        expect(page.get_by_role("link", name=notice.document_number)).to_be_visible()
        assert_accessible(page, context="designations")
