"""A frozen version shown in English (issue 14): the snapshot is stored in Korean (the official record), but the
names it holds of the organisation, the field, choices and related records are shown by their English names
where they have one; what people wrote stays as written, and the stored content never changes."""

import pytest
from django.urls import reverse
from django.utils import translation

from applications import services, snapshot
from applications.models import Site

from .conftest import BEFORE

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(complete, applicant):
    complete.organization.name_en = "Ulsan Metropolitan City"
    complete.organization.save()
    services.submit(applicant, complete, at=BEFORE)
    return complete


def test_the_version_page_in_english_shows_english_names(client, submitted, applicant):
    version = submitted.versions.get()
    stored = version.content
    client.force_login(applicant)
    url = reverse("applications:version", args=[submitted.pk, 1])
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Ulsan Metropolitan City" in english
    assert submitted.field.name_en in english
    assert "Existing industrial complex" in english and "기존 산업단지" not in english  # a choice
    assert "<td>Power</td>" in english and "전력" not in english  # a row's choice
    region = Site.objects.get(application=submitted).region
    assert region.name_en in english  # a related record, stored by its Korean name
    assert "온산 이차전지 원료 특화단지" in english  # what the applicant wrote stays
    korean = client.get(url, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "기존 산업단지" in korean and "<td>전력</td>" in korean and submitted.organization.name_ko in korean
    version.refresh_from_db()
    assert version.content == stored and snapshot.digest(version.content) == version.sha256


def test_localised_leaves_korean_and_the_stored_content_alone(submitted):
    content = submitted.versions.get().content
    with translation.override("ko"):
        assert snapshot.localised(content, submitted) is content
    with translation.override("en"):
        shown = snapshot.localised(content, submitted)
    assert shown is not content and content["sections"]["infrastructure"][0]["kind"] == "전력"
    assert shown["sections"]["infrastructure"][0]["kind"] == "Power"


def test_the_screening_page_in_english_names_the_region_in_english(client, submitted, ministry_staff):
    region = Site.objects.get(application=submitted).region
    client.force_login(ministry_staff)
    page = client.get(reverse("applications:staff_screen", args=[submitted.pk]), HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert f" · {region.name_en}" in text and region.name_ko not in text


def test_the_diff_in_english_names_changed_choices_in_english(client, submitted, applicant):
    site = Site.objects.get(application=submitted)
    site.complex_type = Site.ComplexType.NEW
    site.save()
    services.submit(applicant, submitted, at=BEFORE)
    client.force_login(applicant)
    html = client.get(reverse("applications:diff", args=[submitted.pk, 1, 2]), HTTP_ACCEPT_LANGUAGE="en")
    text = html.content.decode()
    assert "Existing industrial complex" in text and "New complex" in text and "기존 산업단지" not in text
