"""On the applicant's own pages the committee's decision is embargoed until the announcement, and the
evaluation's internals (who evaluated, conflicts, reopened reviews) never show."""

import pytest
import time_machine
from django.urls import reverse

from applications import audit
from committee import services
from reviews.models import Conflict

from .conftest import AFTER_ANNOUNCEMENT, MEETING_DAY, minutes_pdf, resolution_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(item, secretariat, plan):
    with time_machine.travel(MEETING_DAY):
        resolution = services.record_resolution(
            secretariat, item, at=MEETING_DAY, minutes=minutes_pdf(), **resolution_data("designated")
        )
        services.confirm_resolution(secretariat, resolution, at=MEETING_DAY)
    plan.refresh_from_db()
    return plan


def main(response):
    page = response.content.decode()
    return page[page.index("<main") :]


def test_status_result_and_history_wait_for_the_announcement(client, decided, plan_owner):
    client.force_login(plan_owner)
    detail = reverse("applications:detail", args=[decided.pk])
    history = reverse("applications:history", args=[decided.pk])
    with time_machine.travel(MEETING_DAY):
        for url in (detail, history, reverse("applications:mine")):
            page = main(client.get(url, HTTP_ACCEPT_LANGUAGE="en"))
            assert "Committee deliberation" in page, url
            assert "Designated" not in page, url
    with time_machine.travel(AFTER_ANNOUNCEMENT):
        page = main(client.get(detail, HTTP_ACCEPT_LANGUAGE="en"))
        assert "Committee resolution" in page and "Designated" in page
        assert "Designated by the committee" in client.get(history, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_history_hides_evaluators_and_conflicts(client, plan, plan_owner, ministry_staff):
    from tests.factories import ExpertFactory

    expert = ExpertFactory(full_name="비공개 평가위원")
    Conflict.objects.create(application=plan, user=expert, source=Conflict.Source.DECLARED, reason="전 직장 동료")
    audit.record(action="conflict_declared", actor=expert, application=plan, reason="전 직장 동료")
    audit.record(action="review_reopened", actor=ministry_staff, application=plan, reason="평가위원 출장")
    client.force_login(plan_owner)
    page = client.get(reverse("applications:history", args=[plan.pk])).content.decode()
    for secret in ("비공개 평가위원", "전 직장 동료", "평가위원 출장", ministry_staff.full_name):
        assert secret not in page
    client.force_login(ministry_staff)
    page = client.get(reverse("applications:history", args=[plan.pk])).content.decode()
    assert "비공개 평가위원" in page and "전 직장 동료" in page
