"""Render a template to PDF with WeasyPrint. Korean glyphs come from the Nanum fonts (fonts-nanum);
WeasyPrint embeds the subset it uses, so the PDF reads the same on any machine."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


def render_pdf(template_name: str, context: dict, *, language: str = "ko") -> bytes:
    from weasyprint import HTML  # imported here: importing WeasyPrint costs ~0.6 s, pages need it never

    with translation.override(language):
        html = render_to_string(template_name, {**context, "LANGUAGE_CODE": language})
    base_url = str(settings.BASE_DIR / "static") + "/"
    return HTML(string=html, base_url=base_url).write_pdf()
