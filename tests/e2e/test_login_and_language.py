"""In Chromium: a demo applicant logs in, switches the language and sees both; each page passes axe-core."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD
from tests.fixtures import assert_accessible, browser_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_data():
    call_command("seed_demo", "--quiet-accounts", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_demo_applicant_logs_in_and_switches_language(page, demo_data):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "ko"
    assert_accessible(page, context="home (ko)")

    with page.expect_navigation():
        page.get_by_role("link", name="로그인").click()
    assert_accessible(page, context="login")
    page.get_by_label("이메일 주소").fill("applicant@demo.kr")
    page.get_by_label("비밀번호").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="로그인").click()

    page.wait_for_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("heading", name="마이페이지")).to_be_visible()
    expect(page.get_by_role("link", name="울산광역시")).to_be_visible()
    assert_accessible(page, context="dashboard (ko)")

    page.get_by_role("button", name="English").click()
    page.wait_for_url(re.compile(r"/dashboard/$"))
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.get_by_role("heading", name="My page")).to_be_visible()
    expect(page.get_by_role("link", name="Ulsan Metropolitan City")).to_be_visible()
    assert_accessible(page, context="dashboard (en)")

    page.get_by_role("button", name="한국어").click()
    page.wait_for_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("heading", name="마이페이지")).to_be_visible()


def test_wrong_password_keeps_the_email_in_the_browser(page, demo_data):
    page.goto("/accounts/login/")
    page.get_by_label("이메일 주소").fill("applicant@demo.kr")
    page.get_by_label("비밀번호").fill("not-the-password")
    page.get_by_role("button", name="로그인").click()
    expect(page.get_by_text("이메일 주소 또는 비밀번호가 올바르지 않습니다")).to_be_visible()
    assert page.get_by_label("이메일 주소").input_value() == "applicant@demo.kr"
    assert_accessible(page, context="login with error")


def test_registration_page_with_errors_is_accessible(page, demo_data):
    page.goto("/accounts/register/")
    assert_accessible(page, context="register")
    page.get_by_role("button", name="가입 신청").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    assert_accessible(page, context="register with errors")


def test_staff_approval_queue_is_accessible(page, demo_data):
    browser_log_in(page, "staff@demo.kr", DEMO_PASSWORD, check=lambda page, name: assert_accessible(page, context=name))
    page.goto("/accounts/organizations/pending/")
    expect(page.get_by_text("한빛이차전지소재 주식회사").first).to_be_visible()
    assert_accessible(page, context="approval queue")
    with page.expect_navigation():
        page.get_by_role("link", name="한빛이차전지소재 주식회사 승인…").click()
    assert_accessible(page, context="approval confirmation")
    page.get_by_role("button", name="한빛이차전지소재 주식회사 승인").click()
    expect(page.get_by_text("승인되었습니다")).to_be_visible()
