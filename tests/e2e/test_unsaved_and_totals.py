"""In Chromium: the score sheet adds the scores up while the evaluator types (the server still sums the stored
scores on submitting), and the score sheet and a plan section warn before the page is left with changes not
saved; saving clears the warning. Each page passes axe-core (assert_accessible: both widths, both languages)."""

import re

import pytest
import time_machine
from playwright.sync_api import expect

from reviews.models import Criterion, Review, Stage
from tests.factories import (
    PASSWORD,
    ApplicationFactory,
    CallFactory,
    ExpertFactory,
    FieldFactory,
    assign,
    make_panel,
    make_rubric,
    reviewable_plan,
)
from tests.fixtures import assert_accessible, browser_log_in

from ..applications.conftest import BEFORE
from ..reviews.conftest import DURING

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def leaving_asks(page, leave) -> bool:
    """Whether leaving the page (by `leave`) raises the browser's "leave site?" question. The question is
    answered "leave", so the navigation goes on either way."""
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.accept()

    page.on("dialog", answer)
    try:
        with page.expect_navigation():
            leave()
    finally:
        page.remove_listener("dialog", answer)
    return "beforeunload" in asked


@pytest.fixture
def expert_assignment(settings):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    call = CallFactory(slug="2026", fields=[FieldFactory(code="BAT")])
    make_rubric(call)
    plan = reviewable_plan(call, title="울산 온산 이차전지 기초원료 특화단지")
    expert = ExpertFactory(email="expert@example.kr")
    return assign(make_panel(call, members=[expert]), plan, expert)


def test_the_score_sheet_totals_as_you_type_and_warns_before_losing_scores(page, live_server, expert_assignment):
    criteria = list(Criterion.objects.filter(rubric__stage=Stage.ADVISORY).order_by("position"))
    with time_machine.travel(DURING, tick=True):
        browser_log_in(page, "expert@example.kr", PASSWORD)
        page.goto(f"/reviews/assignments/{expert_assignment.pk}/")
        total = page.locator("#score-total")
        assert total.text_content() == "0.0"
        page.locator(f"#id_score_{criteria[0].pk}").fill("23.5")
        page.locator(f"#id_score_{criteria[1].pk}").fill("17")
        assert total.text_content() == "40.5"
        page.locator(f"#id_score_{criteria[2].pk}").fill(str(criteria[2].max_points + 1))  # out of range
        assert total.text_content() == "40.5"  # does not count; the server says why on saving
        page.locator(f"#id_score_{criteria[2].pk}").fill("12")
        assert total.text_content() == "52.5"
        assert_accessible(page, context="score sheet with a running total")

        # typed but not saved: leaving asks first
        assert leaving_asks(page, lambda: page.get_by_role("link", name="계획서(제출본)").click())
        assert Review.objects.filter(assignment=expert_assignment).count() == 0
        page.go_back()

        # saving a draft clears the warning; the page then shows the saved scores' total without any typing
        page.goto(f"/reviews/assignments/{expert_assignment.pk}/")
        page.locator(f"#id_score_{criteria[0].pk}").fill("20")
        page.locator(f"#id_score_{criteria[1].pk}").fill("15")
        page.get_by_role("button", name="임시 저장").click()
        page.wait_for_url(re.compile(rf"/reviews/assignments/{expert_assignment.pk}/$"))
        expect(page.get_by_text("임시 저장했습니다").first).to_be_visible()
        assert total.text_content() == "35.0"
        assert not leaving_asks(page, lambda: page.get_by_role("link", name="계획서(제출본)").click())


def test_only_saving_the_score_sheet_clears_the_warning_not_another_form_of_the_page(
    page, live_server, expert_assignment
):
    """The language switch and the log-out button are forms too: submitting them loses the typed scores, so
    they ask first, as a link does."""
    criterion = Criterion.objects.filter(rubric__stage=Stage.ADVISORY).order_by("position").first()
    sheet = f"/reviews/assignments/{expert_assignment.pk}/"
    with time_machine.travel(DURING, tick=True):
        browser_log_in(page, "expert@example.kr", PASSWORD)
        page.goto(sheet)
        assert not leaving_asks(page, lambda: page.get_by_role("button", name="English").click())  # nothing typed
        page.locator(f"#id_score_{criterion.pk}").fill("20")
        assert leaving_asks(page, lambda: page.get_by_role("button", name="한국어").click())
        page.wait_for_url(re.compile(rf"{sheet}$"))
        assert Review.objects.filter(assignment=expert_assignment).count() == 0  # the typed score was lost
        page.locator(f"#id_score_{criterion.pk}").fill("20")
        assert not leaving_asks(page, lambda: page.get_by_role("button", name="임시 저장").click())  # the sheet's own
        page.wait_for_url(re.compile(rf"{sheet}$"))
        page.locator(f"#id_score_{criterion.pk}").fill("21")
        assert leaving_asks(page, lambda: page.get_by_role("button", name="로그아웃").click())
        assert Review.objects.get(assignment=expert_assignment).scores.get(criterion=criterion).points == 20


def test_the_score_sheet_shows_the_total_without_javascript(browser, live_server, expert_assignment):
    criteria = list(Criterion.objects.filter(rubric__stage=Stage.ADVISORY).order_by("position"))
    context = browser.new_context(locale="ko-KR", base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        with time_machine.travel(DURING, tick=True):
            browser_log_in(page, "expert@example.kr", PASSWORD)
            page.goto(f"/reviews/assignments/{expert_assignment.pk}/")
            page.locator(f"#id_score_{criteria[0].pk}").fill("20.5")
            page.locator(f"#id_score_{criteria[1].pk}").fill("15")
            page.get_by_role("button", name="임시 저장").click()
            page.wait_for_url(re.compile(rf"/reviews/assignments/{expert_assignment.pk}/$"))
            assert page.locator("#score-total").text_content() == "35.5"  # summed by the server
    finally:
        context.close()


def test_a_plan_section_warns_before_losing_what_was_typed(page, live_server, applicant):
    call = CallFactory(slug="2026", fields=[FieldFactory(code="BAT")])
    plan = ApplicationFactory(call=call, organization=applicant.memberships.get().organization, created_by=applicant)
    with time_machine.travel(BEFORE, tick=True):
        browser_log_in(page, applicant.email, PASSWORD)
        page.goto(f"/plans/{plan.pk}/sections/overview/")
        assert not leaving_asks(page, lambda: page.get_by_role("link", name="전체 항목으로", exact=True).click())
        page.go_back()
        page.locator("#id_summary").fill("원료부터 재활용까지 한 곳에서")
        assert_accessible(page, context="plan section being edited")
        assert leaving_asks(page, lambda: page.get_by_role("link", name="전체 항목으로", exact=True).click())
        page.go_back()
        page.locator("#id_summary").fill("원료부터 재활용까지 한 곳에서")
        page.get_by_role("button", name="이 항목 저장").click()
        page.wait_for_url(re.compile(rf"/plans/{plan.pk}/sections/overview/$"))
        assert not leaving_asks(page, lambda: page.get_by_role("link", name="전체 항목으로", exact=True).click())
