"""The error summary every form shows after a failed submit: announced, focused, a link per field."""

import re

import pytest
from django import forms
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation


class PlanForm(forms.Form):
    title = forms.CharField(label="Title")
    decision = forms.ChoiceField(label="Decision", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    fields = forms.MultipleChoiceField(
        label="Fields", choices=[("x", "X")], widget=forms.CheckboxSelectMultiple, required=False
    )

    def clean(self):
        raise forms.ValidationError("The whole form is wrong.")


class Row(forms.Form):
    name = forms.CharField(label="Company name")


def render(*items, **kwargs):
    template = Template("{% load portal %}{% error_summary a b message=m %}")
    context = {"a": items[0], "b": items[1] if len(items) > 1 else None, "m": kwargs.get("message", "")}
    with translation.override("en"):
        return template.render(Context({**context, "request": RequestFactory().get("/")}))


def test_nothing_is_shown_for_an_unbound_or_a_valid_form():
    assert render(PlanForm()).strip() == ""
    valid = forms.Form(data={})
    assert valid.is_valid()
    assert render(valid).strip() == ""


def test_a_failed_form_gets_an_alert_that_takes_focus_with_a_link_to_each_field():
    html = render(PlanForm(data={}), message="Everything you typed was kept.")
    summary = re.search(r"<div [^>]*data-error-summary[^>]*>", html).group(0)
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary and "autofocus" in summary
    assert '<a href="#id_title">Title: This field is required.</a>' in html
    assert '<a href="#id_decision_0">Decision: This field is required.</a>' in html  # a radio group: its first radio
    assert "<li>The whole form is wrong.</li>" in html
    assert "Everything you typed was kept." in html


def test_two_forms_share_one_summary_and_formset_rows_are_named():
    formset = forms.formset_factory(Row, extra=0)(
        data={"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "2", "form-0-name": "한빛", "form-1-name": ""}
    )
    html = render(formset, PlanForm(data={"title": "x", "decision": "a"}))
    assert html.count("data-error-summary") == 1
    assert '<a href="#id_form-1-name">Row 2: Company name: This field is required.</a>' in html
    assert "The whole form is wrong." in html


def test_each_summary_on_a_page_has_its_own_id():
    template = Template("{% load portal %}{% error_summary a %}{% error_summary a %}")
    with translation.override("en"):
        html = template.render(Context({"a": PlanForm(data={}), "request": RequestFactory().get("/")}))
    ids = re.findall(r'id="(error-summary-\d+)"', html)
    assert len(ids) == 2 and ids[0] != ids[1]


@pytest.mark.parametrize("widget", [forms.RadioSelect, forms.CheckboxSelectMultiple])
def test_crispy_ties_a_group_error_to_its_fieldset(widget):
    class GroupForm(forms.Form):
        choice = forms.MultipleChoiceField(label="Choice", choices=[("a", "A")], widget=widget)

    if widget is forms.RadioSelect:
        GroupForm.base_fields["choice"] = forms.ChoiceField(label="Choice", choices=[("a", "A")], widget=widget)
    html = Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(Context({"form": GroupForm(data={})}))
    fieldset = re.search(r"<fieldset[^>]*>", html).group(0)
    assert 'aria-describedby="id_choice_error"' in fieldset
    assert 'id="id_choice_error"' in html
