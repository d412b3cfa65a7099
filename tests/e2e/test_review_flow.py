"""In Chromium: an expert declares no conflict, is told what is missing, scores and submits; ministry staff move
the plan to the subcommittee; the subcommittee chair finalises the recommendation, which refers the plan to the
committee. Each page passes axe-core."""

import re

import pytest
import time_machine
from playwright.sync_api import expect

from accounts import roles
from applications.models import Application
from applications.workflow import State
from reviews.models import Assignment, Criterion, Rubric, Stage
from tests.factories import (
    PASSWORD,
    CallFactory,
    ExpertFactory,
    FieldFactory,
    UserFactory,
    assign,
    make_panel,
    make_rubric,
    reviewable_plan,
    submitted_review,
)
from tests.fixtures import assert_accessible, browser_log_in

from ..reviews.conftest import DURING

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, email):
    browser_log_in(page, email, PASSWORD)


def log_out(page):
    page.get_by_role("button", name="로그아웃").click()


@pytest.fixture
def review_world(settings):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    call = CallFactory(slug="2026", fields=[FieldFactory(code="BAT")])
    make_rubric(call, visibility=Rubric.Visibility.AFTER_SUBMITTING)
    make_rubric(call, Stage.SUBCOMMITTEE)
    plan = reviewable_plan(call, title="울산 온산 이차전지 기초원료 특화단지")
    expert = ExpertFactory(email="expert@example.kr", full_name="정전문")
    others = ExpertFactory.create_batch(4)
    panel = make_panel(call, members=[expert, *others])
    for other, points in zip(
        others,
        [(22, 17, 12, 8, 8, 8, 8), (20, 15, 10, 8, 8, 7, 7), (24, 18, 13, 9, 9, 8, 9), (18, 14, 11, 7, 7, 7, 6)],
        strict=True,
    ):
        submitted_review(assign(panel, plan, other), points)
    assignment = assign(panel, plan, expert, Assignment.Declaration.PENDING)
    staff = UserFactory(email="staff@example.kr", full_name="김담당", roles=[roles.MINISTRY_STAFF])
    chair = UserFactory(email="chair@example.kr", full_name="윤위원장", roles=[roles.SUBCOMMITTEE_CHAIR])
    return plan, panel, assignment, staff, chair


def test_expert_scores_and_staff_and_chair_move_the_plan_to_the_committee(page, live_server, review_world):
    plan, panel, assignment, staff, chair = review_world
    criteria = list(Criterion.objects.filter(rubric__stage=Stage.ADVISORY).order_by("position"))
    traveller = time_machine.travel(DURING, tick=True)
    traveller.start()
    try:
        # 1. the expert sees only the title and organisations, and declares no conflict with the pledge
        log_in(page, "expert@example.kr")
        with page.expect_navigation():
            page.get_by_role("link", name="나의 평가").click()
        assert_accessible(page, context="evaluator list")
        page.get_by_role("link", name=re.compile("서약하기")).click()
        expect(page.get_by_text("울산 온산 이차전지 기초원료 특화단지").first).to_be_visible()
        assert_accessible(page, context="declaration")
        page.get_by_label("이 계획서와 이해충돌이 없습니다").check()
        page.get_by_role("button", name="서약 제출").click()
        expect(page.get_by_text("계속하려면 서약에 동의해 주세요.").first).to_be_visible()  # the pledge is required
        page.get_by_label("이 계획서와 이해충돌이 없습니다").check()
        page.get_by_label(re.compile("서약합니다")).check()
        page.get_by_role("button", name="서약 제출").click()
        page.wait_for_url(re.compile(rf"/reviews/assignments/{assignment.pk}/$"))

        # 2. the score sheet: others' reviews are not reachable before submitting
        assert page.get_by_role("link", name="다른 평가위원의 평가").count() == 0
        with page.expect_navigation():
            page.get_by_role("link", name="계획서(제출본)").click()
        assert_accessible(page, context="frozen plan")
        page.get_by_role("link", name="평가표").click()
        points = [23.5, 17, 12, 8, 8, 7.5, 8]
        for criterion, value in zip(criteria, points, strict=True):
            page.locator(f"#id_score_{criterion.pk}").fill(str(value))
            page.locator(f"#id_comment_{criterion.pk}").fill(f"{criterion.title_ko}: 근거를 갖춘 계획")
        page.locator(f"#id_comment_{criteria[2].pk}").fill("")
        page.locator("#id_overall_opinion").fill("앵커기업 투자 확실성이 높고 기존 특화단지와 연계가 우수함")
        page.locator("#id_understood").check()
        page.get_by_role("button", name="평가 제출").click()
        # what is missing is said at the field, and what was typed is still there
        expect(page.get_by_text("이 평가지표에는 의견을 반드시 적어야 합니다.").first).to_be_visible()
        assert page.locator(f"#id_score_{criteria[0].pk}").input_value() == "23.5"
        assert_accessible(page, context="score sheet with an error")
        page.locator(f"#id_comment_{criteria[2].pk}").fill("기반시설 준비도: 변전소 인입 일정 확인 필요")
        assert page.locator("#id_understood").is_checked()  # what was ticked is kept too
        page.get_by_role("button", name="평가 제출").click()
        expect(page.get_by_text("평가를 제출했습니다").first).to_be_visible()
        expect(page.get_by_text("총점: 84.0점").first).to_be_visible()
        page.get_by_role("link", name="다른 평가위원의 평가").click()
        expect(page.get_by_text("평가위원 1").first).to_be_visible()
        assert_accessible(page, context="others' reviews")
        log_out(page)

        # 3. staff move the plan to the subcommittee (all five reviews are in)
        log_in(page, "staff@example.kr")
        page.goto(f"/reviews/staff/panels/{panel.pk}/")
        assert_accessible(page, context="panel dashboard")
        page.goto(f"/reviews/staff/panels/{panel.pk}/plans/{plan.pk}/")
        page.locator("#id_understood").check()  # moving on cannot be undone: the box says so
        with page.expect_navigation():  # the POST's answer, not the page it was sent from
            page.get_by_role("button", name="분과위원회 상정").click()
        assert Application.objects.get(pk=plan.pk).status == State.SUBCOMMITTEE
        log_out(page)

        # 4. the chair finalises the recommendation: the plan goes to the committee
        log_in(page, "chair@example.kr")
        page.locator("summary", has_text="평가").click()  # the menu groups the chair's review pages
        with page.expect_navigation():
            page.get_by_role("link", name="분과위원회").click()
        assert_accessible(page, context="subcommittee list")
        with page.expect_navigation():
            page.get_by_role("link", name="울산 온산 이차전지 기초원료 특화단지").click()
        assert_accessible(page, context="subcommittee plan")
        page.get_by_label("조건부 지정 권고").check()
        page.locator("#id_reasons").fill("투자 확실성과 공급망 연계가 우수함")
        page.locator("#id_understood").check()
        page.get_by_role("button", name="확정하고 위원회에 회부").click()
        expect(page.get_by_text("조건을 입력하세요.").first).to_be_visible()
        assert page.locator("#id_reasons").input_value() == "투자 확실성과 공급망 연계가 우수함"
        page.locator("#id_conditions").fill("산업용수 공급 계획 보완")
        # no subcommittee member has scored this plan: referring it needs a reason, kept in its history
        page.locator("#id_override_reason").fill("분과위원 평가 전 위원회 일정상 회부")
        page.get_by_role("button", name="확정하고 위원회에 회부").click()
        expect(page.get_by_text("권고를 확정하고 계획서를 위원회에 회부했습니다.").first).to_be_visible()
        assert_accessible(page, context="finalised recommendation")
        assert Application.objects.get(pk=plan.pk).status == State.COMMITTEE
    finally:
        traveller.stop()
