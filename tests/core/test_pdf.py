import shutil
import subprocess

import pytest
from django.template import engines
from pypdf import PdfReader

from core.pdf import render_pdf
from tests import services


@pytest.fixture
def korean_document(tmp_path, settings):
    """A child of the official-document layout, as receipts and notices are."""
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "sample.html").write_text(
        '{% extends "pdf/official_document.html" %}{% block body %}'
        '<div class="authority">{{ authority }}</div><h1>{{ subject }}</h1>'
        '<table class="grid"><tr><th>결정</th><td>{{ decision }}</td></tr></table>{% endblock %}',
        encoding="utf-8",
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [folder, *settings.TEMPLATES[0]["DIRS"]]}]
    engines._engines = {}
    engines.__dict__.pop("templates", None)
    yield "sample.html"
    engines.__dict__.pop("templates", None)
    engines._engines = {}


def test_korean_text_comes_back_out_of_the_pdf(korean_document, tmp_path):
    pdf = render_pdf(
        korean_document,
        {"authority": "산업통상부", "subject": "국가첨단전략산업 특화단지 지정 결과 통지", "decision": "조건부 지정"},
    )
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "notice.pdf"
    path.write_bytes(pdf)

    text = "".join(page.extract_text() for page in PdfReader(path).pages)
    assert "국가첨단전략산업 특화단지 지정 결과 통지" in text
    assert "조건부 지정" in text

    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in PdfReader(path).pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("Nanum" in name for name in fonts), f"Korean text must use an embedded Nanum font, got {fonts}"

    services.need("pdftotext", shutil.which("pdftotext") is not None, "apt-get install poppler-utils")
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout
    assert "산업통상부" in out  # the header reads as a word, not as spaced letters (issue 14)


def test_the_page_number_is_set_in_the_documents_typeface(korean_document):
    """The page boxes (where "1 / 2" is) inherit from the root element, not the body: with the typeface on the
    body only, the page number fell back to the serif default, NanumMyeongjo, a font file embedded in every PDF
    for four characters (found by issue 12's profile of the decision notice)."""
    from tests import pdfcheck

    pdf = render_pdf(korean_document, {"authority": "산업통상부", "subject": "지정 결과 통지", "decision": "지정"})
    assert "1/1" in pdfcheck.pdftext(pdf).replace(" ", "")
    fonts = {font["name"].split("+")[-1] for font in pdfcheck.pdffonts(pdf)}
    assert fonts <= {"NanumGothic", "NanumGothic-Bold"}, fonts
