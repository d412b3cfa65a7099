"""Content security policy: nothing inline runs, so a script slipped into applicant text cannot either.

Every served template must therefore work without inline <script>, style attributes or on* handlers. The
PDF templates (rendered by WeasyPrint, never served as HTML) may style inline.
"""

import re

import pytest
from django.urls import reverse

from tests import services

TEMPLATES = services.ROOT / "templates"
PDF_ONLY = ("notices/", "pdf/", "applications/pdf/", "reviews/pdf/")
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def served_templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        if not name.startswith(PDF_ONLY):
            yield name, path.read_text()


def test_no_served_template_has_anything_the_policy_blocks():
    found = [f"{name}: {what}" for name, text in served_templates() for pattern, what in INLINE if pattern.search(text)]
    assert not found, "\n".join(found)


@pytest.mark.django_db
def test_pages_carry_a_policy_without_inline_script_or_style(client):
    policy = client.get(reverse("core:home"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy
