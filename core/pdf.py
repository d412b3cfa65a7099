"""Render a template to PDF with WeasyPrint. Korean glyphs come from the Nanum fonts (fonts-nanum);
WeasyPrint embeds the subset it uses, so the PDF reads the same on any machine.

Every PDF is PDF/UA-1 (issue 14): tagged, with a structure tree in the HTML's order (headings, tables with
header cells, figures with their alt text), the document's language and title, and XMP metadata saying so.
A template's <html lang> and <title> are therefore required, and images need alt text."""

import threading

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

# Every task that renders a PDF is bounded in time: the soft limit raises inside the task (which may retry),
# the hard one ends it. Applicant text is bounded per field, so a legitimate render stays far below these.
SOFT_TIME_LIMIT = 120
TIME_LIMIT = 150
TASK_LIMITS = {"soft_time_limit": SOFT_TIME_LIMIT, "time_limit": TIME_LIMIT}

# WeasyPrint's PDF/UA-1 variant: PDF 1.7, tagged, with the pdfuaid metadata and DisplayDocTitle.
PDF_VARIANT = "pdf/ua-1"


def authority_contact() -> dict:
    """The parts of an official document's contact line that are the portal's, not the call's."""
    return {
        "postcode": settings.PORTAL_AUTHORITY_POSTCODE,
        "homepage": settings.PORTAL_AUTHORITY_HOMEPAGE,
        "fax": settings.PORTAL_AUTHORITY_FAX,
    }


def render_pdf(template_name: str, context: dict, *, language: str = "ko") -> bytes:
    with translation.override(language):
        html = render_to_string(
            template_name, {**context, "LANGUAGE_CODE": language, "authority_contact": authority_contact()}
        )
    return html_to_pdf(html)


def html_to_pdf(html: str) -> bytes:
    """The PDF/UA-1 file of a rendered template."""
    from weasyprint import HTML  # imported here: importing WeasyPrint costs ~0.6 s, pages need it never

    base_url = str(settings.BASE_DIR / "static") + "/"
    return HTML(string=html, base_url=base_url).write_pdf(
        pdf_variant=PDF_VARIANT, font_config=font_config(), stylesheets=[official_document_css()]
    )


_local = threading.local()

# The layout every PDF shares (templates/pdf/official_document.html's page, typeface, tables, header and foot).
OFFICIAL_DOCUMENT_CSS = "pdf/official_document.css"


def official_document_css():
    """templates/pdf/official_document.css as a WeasyPrint stylesheet, parsed once per thread and kept (issue 12:
    parsing it with each document's HTML was ~5% of a notice's render). WeasyPrint applies it as a user
    stylesheet: above its own defaults, below the <style> a template adds in {% block style %}."""
    css = getattr(_local, "official_document_css", None)
    if css is None:
        from weasyprint import CSS

        path = settings.BASE_DIR / "templates" / OFFICIAL_DOCUMENT_CSS
        css = _local.official_document_css = CSS(string=path.read_text(encoding="utf-8"), font_config=font_config())
    return css


def font_config():
    """One WeasyPrint FontConfiguration per thread, kept for the process's life: its Pango font map (the fonts
    found and loaded) is then built once instead of once per PDF (issue 12). Per thread, because a Pango font map
    is not safe to share between threads (a Celery worker process renders on one thread; so does gunicorn's sync
    worker). The templates declare no @font-face, so nothing document-specific accumulates in it."""
    config = getattr(_local, "font_config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _local.font_config = FontConfiguration()
    return config
