"""In Chromium, the applicant's path end to end: register, be approved, draft over two sittings, upload,
submit, download the receipt, amend, and find the plan closed after the deadline. Each page passes axe-core."""

import datetime
import re

import pytest
import time_machine
from playwright.sync_api import expect

from accounts.models import Organization
from applications.models import Application
from tests.factories import KST, PDF_BYTES, CallFactory, FieldFactory, UserFactory, complete_plan
from tests.fixtures import assert_accessible, browser_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FEB_20 = datetime.datetime(2026, 2, 20, 10, 0, tzinfo=KST)
AFTER = datetime.datetime(2026, 2, 27, 18, 0, 1, tzinfo=KST)


@pytest.fixture
def setting_up(settings):
    # The browser's clock is today's; the server travels to February 2026. A session cookie without an
    # expiry date keeps the two clocks from disagreeing about whether the login cookie is still valid.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    call = CallFactory(slug="2026", fields=[FieldFactory(code="BAT")])
    staff = UserFactory(email="staff@example.kr", roles=["ministry_staff"])
    return call, staff


def log_in(page, email, password):
    browser_log_in(page, email, password)


def log_out(page):
    page.get_by_role("button", name="로그아웃").click()


def test_applicant_from_registration_to_refusal_after_the_deadline(page, browser, live_server, setting_up, tmp_path):
    call, staff = setting_up
    traveller = time_machine.travel(FEB_20, tick=True)
    traveller.start()
    try:
        # 1. register the organisation (a company; pending until staff approve it)
        page.goto("/accounts/register/")
        page.locator("#id_user-email").fill("planner@hanbit.co.kr")
        page.locator("#id_user-full_name").fill("김계획")
        page.locator("#id_user-password1").fill("Strong-Passw0rd-2026")
        page.locator("#id_user-password2").fill("Strong-Passw0rd-2026")
        page.locator("#id_org-kind").select_option("company")
        page.locator("#id_org-name_ko").fill("한빛이차전지소재 주식회사")
        page.locator("#id_org-business_number").fill("617-86-00006")
        page.get_by_role("button", name="가입 신청").click()
        page.wait_for_url(re.compile(r"/accounts/register/sent/$"))
        log_in(page, "planner@hanbit.co.kr", "Strong-Passw0rd-2026")
        expect(page.get_by_text("승인 대기").first).to_be_visible()

        # 2. a pending organisation can already draft: create the plan and fill the overview (first sitting)
        page.goto(f"/calls/{call.slug}/")
        assert_accessible(page, context="call page")
        page.get_by_role("link", name="육성계획 작성 시작").click()
        page.locator("#id_field").select_option(label="이차전지 기초 원료")
        page.locator("#id_title").fill("온산 이차전지 원료 특화단지")
        with page.expect_navigation():
            page.get_by_role("button", name="계획서 만들기").click()
        assert_accessible(page, context="plan sections")
        page.get_by_role("link", name="개요").click()
        page.locator("#id_summary").fill("울산 온산국가산단 중심의 리튬·니켈 정련 공급망")
        page.get_by_role("button", name="이 항목 저장").click()
        expect(page.get_by_text("저장되었습니다")).to_be_visible()
        assert_accessible(page, context="section form")
        log_out(page)

        # staff approve the organisation in their own browser context
        staff_context = browser.new_context(base_url=live_server.url, locale="ko-KR", bypass_csp=True)
        staff_page = staff_context.new_page()
        log_in(staff_page, staff.email, "correct-horse-battery-staple")
        staff_page.goto("/accounts/organizations/pending/")
        with staff_page.expect_navigation():
            staff_page.get_by_role("link", name="한빛이차전지소재 주식회사 승인…").click()
        assert_accessible(staff_page, context="approval confirmation")
        staff_page.get_by_role("button", name="한빛이차전지소재 주식회사 승인").click()
        staff_context.close()
        assert Organization.objects.get(name_ko="한빛이차전지소재 주식회사").status == "approved"

        # 3. second sitting: the rest of the sections (the site via the browser, the others prepared)
        log_in(page, "planner@hanbit.co.kr", "Strong-Passw0rd-2026")
        application = Application.objects.get()
        complete_plan(application)
        page.goto(f"/plans/{application.pk}/sections/site/")
        page.locator("#id_name").fill("온산 원료 특화단지")
        page.get_by_role("button", name="이 항목 저장").click()
        expect(page.get_by_text("저장되었습니다")).to_be_visible()

        # 4. upload the three required documents
        page.goto(f"/plans/{application.pk}/attachments/")
        for kind in ("plan_document", "investment_mou", "site_map"):
            path = tmp_path / f"{kind}.pdf"
            path.write_bytes(PDF_BYTES)
            page.locator("#id_kind").select_option(kind)
            page.locator("#id_file").set_input_files(str(path))
            page.get_by_role("button", name="올리기").click()
            expect(page.get_by_text("업로드되었습니다")).to_be_visible()
        assert_accessible(page, context="attachments")

        # 5. submit and download the receipt
        page.goto(f"/plans/{application.pk}/submit/")
        assert_accessible(page, context="submit")
        page.get_by_role("button", name="계획서 제출").click()
        expect(page.get_by_text("2026-BAT-001").first).to_be_visible()
        page.goto(f"/plans/{application.pk}/versions/")
        with page.expect_download() as download:
            page.get_by_role("link", name="PDF").click()
        receipt = tmp_path / "receipt.pdf"
        download.value.save_as(receipt)
        assert receipt.read_bytes().startswith(b"%PDF")

        # 6. amend before the deadline: a second version, same receipt number
        page.goto(f"/plans/{application.pk}/sections/overview/")
        page.locator("#id_summary").fill("울산 온산국가산단 중심의 리튬·니켈·코발트 정련 공급망")
        page.get_by_role("button", name="이 항목 저장").click()
        page.goto(f"/plans/{application.pk}/submit/")
        page.get_by_role("button", name="수정본 제출").click()
        assert application.versions.count() == 2
        page.goto(f"/plans/{application.pk}/versions/2/")
        page.get_by_role("link", name=re.compile("1에서 2")).click()
        expect(page.get_by_text("코발트")).to_be_visible()
        assert_accessible(page, context="version diff")
    finally:
        traveller.stop()

    # 7. after 18:00 KST nothing can change, and the page says when the deadline was
    with time_machine.travel(AFTER, tick=True):
        log_in(page, "planner@hanbit.co.kr", "Strong-Passw0rd-2026")  # a week later the session has expired
        page.goto(f"/plans/{application.pk}/sections/overview/")
        assert page.locator("main form, #id_summary").count() == 0  # closed: the section is text, not inputs
        expect(page.get_by_text("2026-02-27 18:00").first).to_be_visible()
        assert_accessible(page, context="closed section")
    application.refresh_from_db()
    assert application.summary.endswith("코발트 정련 공급망")
