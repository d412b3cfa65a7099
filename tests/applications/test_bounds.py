"""Bounds on what an applicant may send: formset sizes, numbers, text (issue 10, findings 4, 11 and 12)."""

import pytest
import time_machine
from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils import translation

from applications import forms
from applications.models import AnchorCompany
from applications.sections import SECTIONS_BY_KEY

from .conftest import BEFORE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def before_deadline():
    with time_machine.travel(BEFORE, tick=False), translation.override("en"):
        yield


def anchor_rows(count, **row):
    values = {
        "name": "한빛소재",
        "business_number": "617-86-00006",
        "investment_krw": "700000000000",
        "period_start": "2026",
        "period_end": "2030",
        "direct_jobs": "300",
    } | row
    data = {"revision": "0", "anchors-TOTAL_FORMS": str(count), "anchors-INITIAL_FORMS": "0"}
    for index in range(count):
        data.update({f"anchors-{index}-{name}": value for name, value in values.items()})
    return data


def test_a_forged_form_count_builds_no_more_than_the_bound(plan):
    formset = SECTIONS_BY_KEY["anchors"].build(plan, {"anchors-TOTAL_FORMS": "100000", "anchors-INITIAL_FORMS": "0"})
    assert not formset.is_valid()
    assert len(formset.forms) == forms.MAX_ROWS
    assert "Please submit at most 50 forms." in formset.non_form_errors()


def test_the_bound_itself_is_accepted_and_one_more_is_a_form_error(plan):
    assert SECTIONS_BY_KEY["anchors"].build(plan, anchor_rows(forms.MAX_ROWS)).is_valid()
    too_many = SECTIONS_BY_KEY["anchors"].build(plan, anchor_rows(forms.MAX_ROWS + 1))
    assert not too_many.is_valid()


def test_a_forged_form_count_on_the_page_is_a_form_error(client, plan, applicant, django_assert_max_num_queries):
    client.force_login(applicant)
    with django_assert_max_num_queries(40):
        response = client.post(
            reverse("applications:section", args=[plan.pk, "infrastructure"]),
            {"revision": "0", "infrastructure-TOTAL_FORMS": "100000", "infrastructure-INITIAL_FORMS": "0"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 200
    assert "Please submit at most 50 forms." in response.content.decode()


def test_anchor_amounts_that_would_overflow_the_plan_total_are_form_errors(client, plan, applicant):
    client.force_login(applicant)
    huge = str(2**63 - 1)
    response = client.post(
        reverse("applications:section", args=[plan.pk, "anchors"]),
        anchor_rows(2, investment_krw=huge, direct_jobs=str(2**31 - 1)),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ensure this value is less than or equal to" in html
    assert not AnchorCompany.objects.exists()


def test_investment_years_are_bounded(plan):
    formset = SECTIONS_BY_KEY["anchors"].build(plan, anchor_rows(1, period_start="2026", period_end="30000"))
    assert not formset.is_valid()
    assert "period_end" in formset.forms[0].errors


# Text ---------------------------------------------------------------------------------------------------------

# Text the portal writes itself, or copies from a reason form that is bounded (ReasonForm and its peers).
INTERNAL_TEXT = {
    ("applications", "auditevent", "reason"),
    ("applications", "application", "status_reason"),
    ("core", "outboxmessage", "body"),
    ("core", "outboxmessage", "last_error"),
    ("core", "exportjob", "last_error"),  # the builder's error, cut to 2,000 characters by core.export_jobs
}


def test_every_text_a_person_types_is_bounded():
    unbounded = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label in {"accounts", "applications", "reviews", "committee", "core"}
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField)
        and field.max_length is None
        and (model._meta.app_label, model._meta.model_name, field.name) not in INTERNAL_TEXT
    ]
    assert unbounded == []


def test_a_long_summary_is_a_form_error_and_the_limit_itself_is_accepted(plan):
    build = SECTIONS_BY_KEY["overview"].build
    assert build(plan, {"title": "계획", "summary": "가" * 4000}).is_valid()
    too_long = build(plan, {"title": "계획", "summary": "가" * 4001})
    assert "Ensure this value has at most 4000 characters (it has 4001)." in too_long.errors["summary"]


def test_a_long_narrative_is_a_form_error(plan):
    form = SECTIONS_BY_KEY["ecosystem"].build(plan, {"participating_firms": "3", "ecosystem": "가" * 10001})
    assert not form.is_valid() and "ecosystem" in form.errors
