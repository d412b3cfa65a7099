"""In Chromium: the staff dashboard, assignment table and plan page pass axe-core (WCAG 2.1 AA)."""

import os

import pytest

from applications.workflow import State
from reviews.models import Conflict
from tests.factories import (
    PASSWORD,
    CallFactory,
    ExpertFactory,
    UserFactory,
    assign,
    make_panel,
    make_rubric,
    reviewable_plan,
    submitted_review,
)
from tests.fixtures import assert_accessible, browser_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
POINTS = [
    (25, 20, 15, 10, 10, 10, 10),
    (20, 15, 12, 8, 7, 7, 6),
    (18, 14, 10, 6, 6, 5, 5),
    (24, 19, 14, 9, 9, 8, 9),
    (22, 18, 12, 8, 8, 8, 8),
    (12, 10, 8, 5, 4, 4, 3),
]


def log_in(page, email):
    browser_log_in(page, email, PASSWORD)


def test_staff_pages_are_accessible(page, settings):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    call = CallFactory()
    make_rubric(call)
    experts = [ExpertFactory(full_name=f"평가위원 {i}") for i in range(1, 7)]
    panel = make_panel(call, members=experts, reviewers_per_plan=5)
    plans = [reviewable_plan(call, title=f"이차전지 원료 특화단지 육성계획 {i}") for i in range(1, 5)]
    reviewable_plan(call, status=State.SCREENED, title="요건 검토를 마친 계획")
    for index, plan in enumerate(plans):
        for offset, expert in enumerate(experts[:5]):
            assignment = assign(panel, plan, expert)
            if offset < 5 - index % 3:
                submitted_review(assignment, POINTS[(index + offset) % len(POINTS)])
    Conflict.objects.create(application=plans[0], user=experts[5], source=Conflict.Source.PINNED, reason="친족")
    staff = UserFactory(email="staff@example.kr", roles=["ministry_staff"])

    log_in(page, staff.email)
    for path, name in [
        (f"/reviews/staff/panels/{panel.pk}/", "dashboard"),
        (f"/reviews/staff/panels/{panel.pk}/assignments/", "assignments"),
        (f"/reviews/staff/panels/{panel.pk}/plans/{plans[0].pk}/", "plan"),
        (f"/reviews/staff/calls/{call.slug}/ranking/advisory/", "ranking"),
        (f"/reviews/staff/panels/{panel.pk}/members/", "members"),
        (f"/reviews/staff/panels/{panel.pk}/conflicts/", "conflicts"),
        (f"/reviews/staff/calls/{call.slug}/panels/", "panels"),
    ]:
        page.goto(path)
        assert page.locator("h1").count() == 1
        assert_accessible(page, context=name)
        if os.environ.get("SCREENSHOT_DIR"):
            page.screenshot(
                path=os.path.join(os.environ["SCREENSHOT_DIR"], f"reviews-staff-{name}.png"), full_page=True
            )
    page.goto(f"/reviews/staff/panels/{panel.pk}/")
    assert page.locator("svg.score-distribution[role=img]").count() == 4  # one per plan row shown
    assert page.locator("svg.score-histogram[role=img]").count() == 1  # one for the field
