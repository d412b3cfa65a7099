"""Issue 14: a particle marker (은(는), 을(를), (으)로 …) after a value is resolved at its form field as crispy
renders it, not only in the error summary (tests/applications/test_particles_on_pages.py: on real pages)."""

import re

import pytest
from django import forms
from django.template import Context, Template

MARKERS = re.compile(r"은\(는\)|을\(를\)|이\(가\)|\(으\)로|과\(와\)")


class _Form(forms.Form):
    city = forms.CharField(label="도시")
    choice = forms.ChoiceField(label="선택", choices=[("a", "A")], widget=forms.RadioSelect, required=False)


def _crispy(form, inline: bool) -> str:
    from crispy_forms.helper import FormHelper

    form.helper = FormHelper()
    form.helper.form_tag = False
    form.helper.error_text_inline = inline
    return Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))


@pytest.mark.parametrize("inline", [True, False])
def test_crispy_shows_each_field_error_with_its_particle_resolved(inline):
    form = _Form(data={"city": "x"})
    form.is_valid()
    form.add_error("city", forms.ValidationError("서울(으)로 옮기세요. “계획”을(를) 보세요.", code="moved"))
    form.add_error("choice", "부산(으)로 옮기세요.")
    html = _crispy(form, inline)
    assert "서울로 옮기세요. “계획”을 보세요." in html and "부산으로 옮기세요." in html
    assert not MARKERS.search(html)
    # the error keeps what else it carries: its code and the id the input's aria-describedby points to
    assert form["city"].errors.as_data()[0].code == "moved"
    assert 'id="id_city_error"' in html and 'aria-describedby="id_city_error"' in html
