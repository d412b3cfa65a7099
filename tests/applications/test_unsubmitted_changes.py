"""Changes made after a submission are flagged as not yet submitted (issue 13): the applicant sees what
changed since the version reviewers read, and the deadline by which to submit it."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from applications import selectors, services, snapshot
from applications.models import Application
from tests.factories import DEADLINE_2026

from .conftest import BEFORE

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_the_frozen_content_does_not_depend_on_the_submitters_language(complete):
    with translation.override("en"):
        english = snapshot.serialize(complete)
    with translation.override("ko"):
        korean = snapshot.serialize(complete)
    assert english == korean and snapshot.digest(english) == snapshot.digest(korean)
    assert english["sections"]["infrastructure"][0]["kind"] == "전력"  # a choice, shown in Korean


def test_nothing_to_flag_before_the_first_submission_or_right_after_it(complete, applicant):
    assert selectors.unsubmitted_changes(complete) is None  # a draft: nothing was submitted
    services.submit(applicant, complete, at=BEFORE)
    complete.refresh_from_db()
    assert selectors.unsubmitted_changes(complete) is None


def test_a_change_after_submitting_is_flagged_with_what_changed(client, complete, applicant):
    services.submit(applicant, complete, at=BEFORE)
    complete.refresh_from_db()
    complete.site.area_m2 = 1_300_000
    complete.site.save()
    complete = Application.objects.get(pk=complete.pk)  # as a page loads it
    changes = selectors.unsubmitted_changes(complete)
    assert changes["version"].number == 1
    assert [(row["old"], row["new"]) for row in changes["rows"]] == [("1250000", "1300000")]
    client.force_login(applicant)
    with time_machine.travel(BEFORE, tick=False):
        page = client.get(reverse("applications:detail", args=[complete.pk]), **EN).content.decode()
    assert "Changes not yet submitted" in page
    assert "Reviewers and staff read version 1 until you submit an amended version" in page
    assert "2026-02-27 18:00" in page and "1250000" in page and "1300000" in page
    assert reverse("applications:submit", args=[complete.pk]) in page
    services.submit(applicant, complete, at=BEFORE)  # amended: version 2 holds the change
    complete.refresh_from_db()
    assert selectors.unsubmitted_changes(complete) is None
    with time_machine.travel(BEFORE, tick=False):
        page = client.get(reverse("applications:detail", args=[complete.pk]), **EN).content.decode()
    assert "Changes not yet submitted" not in page


def test_after_the_deadline_the_page_says_they_were_not_submitted(client, complete, applicant):
    services.submit(applicant, complete, at=BEFORE)
    complete.refresh_from_db()
    complete.site.area_m2 = 1_300_000
    complete.site.save()
    client.force_login(applicant)
    with time_machine.travel(DEADLINE_2026 + datetime.timedelta(minutes=1), tick=False):
        page = client.get(reverse("applications:detail", args=[complete.pk]), **EN).content.decode()
    assert "The deadline has passed: the changes below were not submitted" in page
