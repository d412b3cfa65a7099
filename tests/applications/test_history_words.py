"""The plan history speaks words, not codes (issue 14): states by their labels and saved sections by their
titles, in Korean and in English."""

import pytest
from django.urls import reverse

from applications import audit
from applications.workflow import State
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def test_the_history_names_states_and_sections(client, ministry_staff):
    plan = ApplicationFactory()
    audit.record(action="section_saved", application=plan, data={"section": "infrastructure"})
    audit.record(action="submit", application=plan, from_status=State.DRAFT, to_status=State.SUBMITTED)
    audit.record(action="start_review", application=plan, from_status=State.SCREENED, to_status=State.ADVISORY_REVIEW)
    client.force_login(ministry_staff)
    url = reverse("applications:history", args=[plan.pk])
    korean = client.get(url, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "(작성 중 → 제출)" in korean and "전문가 자문단 평가" in korean and "기반시설" in korean
    for code in ("draft", "submitted", "advisory_review", "screened", "infrastructure"):
        assert f">{code}" not in korean and f" {code}" not in korean and f"{code} " not in korean
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "(Draft → Submitted)" in english and "(Eligible (screened) → Expert advisory review)" in english
    assert "Infrastructure" in english
