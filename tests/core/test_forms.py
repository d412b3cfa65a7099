"""core.forms.ChooseFilesAgainMixin: a failed form names each chosen file that was not itself at fault."""

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from core.forms import ChooseFilesAgainMixin


class Upload(ChooseFilesAgainMixin, forms.Form):
    title = forms.CharField(max_length=5)
    document = forms.FileField()
    annex = forms.FileField(required=False)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def upload(name="계획서.pdf", content=b"%PDF-1.4"):
    return SimpleUploadedFile(name, content)


def test_a_valid_form_says_nothing():
    form = Upload({"title": "ok"}, {"document": upload()})
    assert form.is_valid() and not form.errors


def test_each_chosen_file_is_named_when_another_field_fails():
    form = Upload({"title": "too long"}, {"document": upload(), "annex": upload("별첨.hwp")})
    assert not form.is_valid()
    assert "“계획서.pdf”" in form.errors["document"][0] and "choose it again" in form.errors["document"][0]
    assert "“별첨.hwp”" in form.errors["annex"][0]


def test_a_file_at_fault_keeps_its_own_error_only():
    form = Upload({"title": "too long"}, {"document": upload(content=b"")})
    assert not form.is_valid()
    assert len(form.errors["document"]) == 1 and "choose it again" not in form.errors["document"][0]


def test_no_file_chosen_no_note():
    form = Upload({"title": "too long"}, {"document": upload()}, prefix="p")
    assert not form.is_valid() and "document" in form.errors  # the prefixed name was not sent: required
    assert "choose it again" not in form.errors["document"][0]


def test_after_a_refusal_added_to_a_valid_form():
    form = Upload({"title": "ok"}, {"document": upload()})
    assert form.is_valid()
    form.add_error("title", "refused by the service")
    form.ask_for_files_again()
    assert "choose it again" in form.errors["document"][0]


class Choices(forms.Form):
    """Every kind of <select> the project's forms render: plain, grouped, multiple, null-boolean, with
    characters to escape, a model choice (tests/core: the staff filter form is one)."""

    plain = forms.ChoiceField(choices=[("", "All"), ("a&b", "A & B"), ("<x>", '"quoted"')], required=False)
    grouped = forms.ChoiceField(choices=[("Group <1>", [("x", "X")]), ("y", "Y")], required=False)
    many = forms.MultipleChoiceField(choices=[("1", "one"), ("2", "two")], required=False)
    maybe = forms.NullBooleanField(required=False)
    styled = forms.ChoiceField(choices=[("1", "one")], widget=forms.Select(attrs={"class": "form-select", "data-x": 1}))


@pytest.mark.parametrize(
    "data", [None, {"plain": "a&b", "grouped": "x", "many": ["1", "2"], "maybe": "true", "styled": "1"}, {"plain": "?"}]
)
def test_a_select_is_rendered_as_django_renders_it(data):
    """core.forms.FormRenderer builds <select> in Python (issue 12: an include per <option> was most of a filter
    form's cost); the markup is Django's, character for character."""
    from django.forms.renderers import DjangoTemplates

    from core.forms import FormRenderer

    ours, django = Choices(data, renderer=FormRenderer()), Choices(data, renderer=DjangoTemplates())
    for name in Choices.base_fields:
        assert str(ours[name]) == str(django[name])


def test_a_radio_select_keeps_django_s_templates():
    from core.forms import FormRenderer

    class Radio(forms.Form):
        choice = forms.ChoiceField(choices=[("1", "one")], widget=forms.RadioSelect)

    assert 'type="radio"' in str(Radio(renderer=FormRenderer())["choice"])


@pytest.mark.django_db
@pytest.mark.parametrize("empty_label", ["All", None])
def test_a_listed_choice_field_offers_what_djangos_offers_in_one_plain_statement(
    empty_label, django_assert_num_queries
):
    """core.forms.ListedModelChoiceField (issue 12): the same choices as Django's ModelChoiceField, labels from
    label_from_instance included, read with one SELECT (no server-side cursor: DECLARE, FETCH, CLOSE)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from applications.models import Field
    from core.forms import ListedModelChoiceField
    from tests.factories import FieldFactory

    FieldFactory(code="ZZZ")
    theirs = forms.ModelChoiceField(queryset=Field.objects.all(), required=False, empty_label=empty_label)
    ours = ListedModelChoiceField(queryset=Field.objects.all(), required=False, empty_label=empty_label)
    for field in (theirs, ours):
        field.label_from_instance = lambda f: f"{f.code}: {f.name}"
    expected = [(str(value), label) for value, label in theirs.choices]
    assert len(expected) == Field.objects.count() + (empty_label is not None)
    with CaptureQueriesContext(connection) as captured:
        assert [(str(value), label) for value, label in ours.choices] == expected
    assert len(captured.captured_queries) == 1 and captured.captured_queries[0]["sql"].startswith("SELECT")
    assert ours.clean(str(Field.objects.get(code="ZZZ").pk)).code == "ZZZ"
