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
