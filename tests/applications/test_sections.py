import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse

from applications.models import PlanSection
from tests.factories import PASSWORD

from .conftest import BEFORE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def before_deadline():
    with time_machine.travel(BEFORE, tick=False):
        yield


def section_url(plan, key):
    return reverse("applications:section", args=[plan.pk, key])


def test_a_saved_section_says_what_is_still_missing(client, plan, applicant):
    client.force_login(applicant)
    response = client.post(
        section_url(plan, "site"), {"name": "온산 특화단지", "revision": "0"}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    html = response.content.decode()
    assert "was saved" in html
    assert "Give the site&#x27;s area in m²." in html or "Give the site's area in m²." in html
    plan.site.refresh_from_db()
    assert plan.site.name == "온산 특화단지"


def test_invalid_input_keeps_everything_typed(client, plan, applicant):
    client.force_login(applicant)
    response = client.post(
        section_url(plan, "site"),
        {
            "name": "온산 특화단지",
            "city_county": "울주군",
            "area_m2": "넓음",
            "revision": "0",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="온산 특화단지"' in html and 'value="울주군"' in html and 'value="넓음"' in html
    assert 'aria-invalid="true"' in html
    plan.site.refresh_from_db()
    assert plan.site.name == ""


def test_anchor_rows_compute_the_totals(client, plan, applicant):
    client.force_login(applicant)
    data = {
        "revision": "0",
        "anchors-TOTAL_FORMS": "2",
        "anchors-INITIAL_FORMS": "0",
        "anchors-MIN_NUM_FORMS": "0",
        "anchors-MAX_NUM_FORMS": "1000",
        "anchors-0-name": "한빛소재",
        "anchors-0-business_number": "617-86-00006",
        "anchors-0-investment_krw": "700000000000",
        "anchors-0-period_start": "2026",
        "anchors-0-period_end": "2030",
        "anchors-0-direct_jobs": "300",
        "anchors-1-name": "울산정련",
        "anchors-1-business_number": "124-81-00998",
        "anchors-1-investment_krw": "300000000000",
        "anchors-1-period_start": "2027",
        "anchors-1-period_end": "2029",
        "anchors-1-direct_jobs": "150",
    }
    response = client.post(section_url(plan, "anchors"), data)
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.total_investment_krw == 1_000_000_000_000
    assert plan.total_direct_jobs == 450


def test_bad_business_number_in_a_row_is_explained(client, plan, applicant):
    client.force_login(applicant)
    data = {
        "revision": "0",
        "anchors-TOTAL_FORMS": "1",
        "anchors-INITIAL_FORMS": "0",
        "anchors-MIN_NUM_FORMS": "0",
        "anchors-MAX_NUM_FORMS": "1000",
        "anchors-0-name": "한빛소재",
        "anchors-0-business_number": "617-86-00007",
        "anchors-0-investment_krw": "1",
        "anchors-0-period_start": "2030",
        "anchors-0-period_end": "2026",
        "anchors-0-direct_jobs": "1",
    }
    html = client.post(section_url(plan, "anchors"), data, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "check digit does not match" in html
    assert "cannot end before it starts" in html
    assert 'value="한빛소재"' in html


def test_two_editors_never_overwrite_each_other_silently(client, plan, applicant, editor_of):
    colleague = editor_of(plan)
    # both open the overview at revision 0; the colleague saves first
    client.force_login(colleague)
    client.post(section_url(plan, "overview"), {"title": "동료의 제목", "summary": "동료 요약", "revision": "0"})
    client.force_login(applicant)
    response = client.post(
        section_url(plan, "overview"),
        {"title": "나의 제목", "summary": "나의 요약", "revision": "0"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    html = response.content.decode()
    assert "Someone else saved this section" in html
    assert "동료의 제목" in html and 'value="나의 제목"' in html  # both versions shown
    plan.refresh_from_db()
    assert plan.title == "동료의 제목"
    # saving again, knowingly, replaces theirs
    revision = PlanSection.objects.get(application=plan, key="overview").revision
    client.post(
        section_url(plan, "overview"), {"title": "나의 제목", "summary": "나의 요약", "revision": str(revision)}
    )
    plan.refresh_from_db()
    assert plan.title == "나의 제목"


def expire_session(client):
    """The session ends (cookie age, idle sign-out, cleared) while the browser keeps its signed-in mark."""
    del client.cookies[settings.SESSION_COOKIE_NAME]


def signed_in_then_expired(client, user, url):
    client.force_login(user)
    client.get(url)
    expire_session(client)


def test_an_expired_session_does_not_lose_the_typed_form(client, plan, applicant):
    url = section_url(plan, "rnd")
    signed_in_then_expired(client, applicant, url)
    response = client.post(
        url, {"rnd_scope": "고순도 수산화리튬 정련 기술 개발", "rnd_targets": "순도 99.9%", "revision": "0"}
    )
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    response = client.post(response["Location"], {"username": applicant.email, "password": PASSWORD})
    assert response["Location"] == url
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Your session had expired" in html
    assert "고순도 수산화리튬 정련 기술 개발" in html and "순도 99.9%" in html
    plan.narrative.refresh_from_db()
    assert plan.narrative.rnd_scope == ""  # kept, not saved behind the person's back
    assert "고순도" not in client.get(url).content.decode()  # given back once


def test_kept_form_is_not_given_to_another_user(client, plan, applicant, other_applicant):
    url = section_url(plan, "rnd")
    signed_in_then_expired(client, applicant, url)
    client.post(url, {"rnd_scope": "비밀 기술", "revision": "0"})
    client.force_login(other_applicant)
    assert client.get(url).status_code == 404


def test_a_visitor_who_was_never_signed_in_stores_nothing(client, plan, applicant):
    url = section_url(plan, "rnd")
    for _ in range(3):
        response = client.post(url, {"rnd_scope": "가" * 100_000, "revision": "0"})
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert Session.objects.count() == 0
    client.post(response["Location"], {"username": applicant.email, "password": PASSWORD})
    assert "가" * 100 not in client.get(url).content.decode()


def test_a_kept_form_is_bounded_in_size(client, plan, applicant, settings):
    url = section_url(plan, "rnd")
    signed_in_then_expired(client, applicant, url)
    too_long = "가" * (settings.PORTAL_KEPT_FORM_MAX_BYTES // 9 + 1)  # "가" is 9 bytes once URL-encoded
    response = client.post(url, {"rnd_scope": too_long, "revision": "0"})
    assert response.status_code == 302
    assert sum(len(s.session_data) for s in Session.objects.all()) < settings.PORTAL_KEPT_FORM_MAX_BYTES
    client.post(response["Location"], {"username": applicant.email, "password": PASSWORD})
    assert too_long[:200] not in client.get(url).content.decode()


def test_one_kept_form_per_session_the_latest(client, plan, applicant):
    signed_in_then_expired(client, applicant, section_url(plan, "rnd"))
    client.post(section_url(plan, "rnd"), {"rnd_scope": "첫 번째", "revision": "0"})
    client.post(section_url(plan, "overview"), {"summary": "두 번째", "revision": "0"})
    client.force_login(applicant)
    assert "첫 번째" not in client.get(section_url(plan, "rnd")).content.decode()
    assert "두 번째" in client.get(section_url(plan, "overview")).content.decode()


def test_viewer_cannot_edit(client, plan, editor_of):
    client.force_login(editor_of(plan, role="viewer"))
    assert client.get(section_url(plan, "overview")).status_code == 403


@pytest.mark.parametrize("key", ["site", "anchors"])
def test_a_closed_plan_shows_its_sections_as_text_without_inputs(client, plan, applicant, key):
    client.force_login(applicant)
    client.post(section_url(plan, "site"), {"name": "온산 특화단지", "area_m2": "1250000", "revision": "0"})
    with time_machine.travel(plan.call.deadline + datetime.timedelta(minutes=1), tick=False):
        client.force_login(applicant)  # a fresh session: the first one has been idle for days
        html = client.get(section_url(plan, key), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    assert "This section can no longer be changed." in main
    assert "<form" not in main and "<input" not in main and "<textarea" not in main
    if key == "site":
        assert "온산 특화단지" in main
