"""Uploaded files: checked by content (not by name), size-limited, hashed while streamed, stored safely."""

import hashlib
import os
import uuid

from django.conf import settings
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import Refused

from .filetypes import EXTENSIONS, HWP, HWPX, JPEG, PDF, PNG, XLSX, UnsafeContent, detect

TYPE_LABELS = {
    PDF: "PDF",
    HWP: "HWP",
    HWPX: "HWPX",
    XLSX: "XLSX (Excel)",
    PNG: "PNG",
    JPEG: "JPEG",
}
KNOWN_EXTENSIONS = {extension for extensions in EXTENSIONS.values() for extension in extensions}
REFUSAL_MESSAGES = {
    "zip_bomb": gettext_lazy(
        "“%(name)s” is a compressed file whose contents would unpack to far more than an office document holds. "
        "Please save it again and upload the saved file."
    ),
    "macros": gettext_lazy(
        "“%(name)s” contains macros or ActiveX controls, which are not accepted. "
        "Please save it as a plain Excel workbook (.xlsx) and upload that."
    ),
    "pdf_active": gettext_lazy(
        "“%(name)s” contains active content (JavaScript, launch actions, form submission or embedded files), "
        "which is not accepted. Please print it again to a plain PDF and upload that."
    ),
    "pdf_unreadable": gettext_lazy(
        "“%(name)s” could not be checked (it is encrypted or damaged). Please save it again as a plain PDF."
    ),
}


class UploadRefused(Refused):
    """A file refused for its size, kind, content or name; `message` names the file and says why."""


def generated_name(original: str) -> str:
    """A random stored name keeping only a known, safe extension: the user's name never reaches the disk."""
    extension = os.path.splitext(original or "")[1].lower()
    if extension not in KNOWN_EXTENSIONS:
        extension = ""
    return f"{uuid.uuid4().hex}{extension}"


def safe_display_name(original: str) -> str:
    """The name shown to users and used in downloads: no directories, no control characters."""
    name = os.path.basename((original or "").replace("\\", "/")).strip()
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"/\\|?*')
    return name[:200] or "file"


def inspect(upload, *, allowed: tuple[str, ...], max_bytes: int | None = None) -> tuple[str, str, int]:
    """Check an uploaded file and return (detected type, SHA-256, size). Reads it in chunks only."""
    max_bytes = max_bytes or settings.PORTAL_MAX_UPLOAD_BYTES
    size = upload.size or 0
    if size == 0:
        raise UploadRefused(_("The file “%(name)s” is empty.") % {"name": safe_display_name(upload.name)})
    if size > max_bytes:
        raise UploadRefused(
            _("The file “%(name)s” is %(size)s; the limit is %(limit)s per file.")
            % {"name": safe_display_name(upload.name), "size": human_size(size), "limit": human_size(max_bytes)}
        )
    name = safe_display_name(upload.name)
    try:
        detected = detect(upload)
    except UnsafeContent as refused:
        raise UploadRefused(REFUSAL_MESSAGES[refused.reason] % {"name": name}) from refused
    if detected not in allowed:
        raise UploadRefused(
            _(
                "“%(name)s” is not a %(expected)s file (checked by its content, not its name). "
                "Please upload a %(expected)s file."
            )
            % {"name": name, "expected": " / ".join(TYPE_LABELS[t] for t in allowed)}
        )
    extension = os.path.splitext(name)[1].lower()
    if extension not in EXTENSIONS[detected]:
        # The name decides how a browser or desktop opens the file later: it must agree with the content.
        raise UploadRefused(
            _("“%(name)s” is a %(kind)s file, so its name must end in %(extensions)s. Rename it and upload it again.")
            % {"name": name, "kind": TYPE_LABELS[detected], "extensions": " / ".join(EXTENSIONS[detected])}
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return detected, digest.hexdigest(), size


def human_size(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} B"


ALLOWED_BY_KIND = {
    "plan_document": (PDF,),
    "investment_mou": (PDF, HWP, HWPX),
    "site_map": (PDF, PNG, JPEG),
    "other": (PDF, HWP, HWPX, XLSX, PNG, JPEG),
}
KIND_HINTS = {
    "plan_document": gettext_lazy("PDF only"),
    "investment_mou": gettext_lazy("PDF, HWP or HWPX"),
    "site_map": gettext_lazy("PDF, PNG or JPEG"),
    "other": gettext_lazy("PDF, HWP, HWPX, XLSX, PNG or JPEG"),
}


def stored_file_response(file, *, filename: str, content_type: str | None) -> FileResponse:
    """`download_response` of an optional stored file: 404 when the row holds none."""
    from django.http import Http404

    if not file:
        raise Http404
    return download_response(file, filename=filename, content_type=content_type)


def download_response(file, *, filename: str, content_type: str | None) -> FileResponse:
    """Every stored file leaves as an attachment typed by its verified kind (never by its name), unsniffed.

    A file whose kind was never verified (staff uploads through the admin) leaves as opaque bytes.
    """
    if content_type not in TYPE_LABELS:
        content_type = "application/octet-stream"
    response = FileResponse(file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
