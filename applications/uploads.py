"""Uploaded files: checked by content (not by name), size-limited, hashed while streamed, stored safely."""

import hashlib
import os
import uuid
import zipfile

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PDF = "application/pdf"
HWP = "application/x-hwp"
HWPX = "application/hwp+zip"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PNG = "image/png"
JPEG = "image/jpeg"

TYPE_LABELS = {
    PDF: "PDF",
    HWP: "HWP",
    HWPX: "HWPX",
    XLSX: "XLSX (Excel)",
    PNG: "PNG",
    JPEG: "JPEG",
}
EXTENSIONS = {PDF: ".pdf", HWP: ".hwp", HWPX: ".hwpx", XLSX: ".xlsx", PNG: ".png", JPEG: ".jpg"}

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class UploadRefused(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def generated_name(original: str) -> str:
    """A random stored name keeping only a known, safe extension: the user's name never reaches the disk."""
    extension = os.path.splitext(original or "")[1].lower()
    if extension not in set(EXTENSIONS.values()) | {".jpeg"}:
        extension = ""
    return f"{uuid.uuid4().hex}{extension}"


def safe_display_name(original: str) -> str:
    """The name shown to users and used in downloads: no directories, no control characters."""
    name = os.path.basename((original or "").replace("\\", "/")).strip()
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"/\\|?*')
    return name[:200] or "file"


def detect_type(upload) -> str | None:
    """The file's real type from its first bytes (and, for ZIP containers, their directory)."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(OLE_MAGIC):
        return HWP if _is_hwp5(upload) else None
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(upload)
    return None


def _is_hwp5(upload) -> bool:
    # HWP 5 is an OLE compound file whose "FileHeader" stream starts with this signature; the stream name is
    # stored in UTF-16 in the directory, and the signature text in the stream itself.
    upload.seek(0)
    found = False
    for chunk in upload.chunks(64 * 1024):
        if b"HWP Document File" in chunk or "FileHeader".encode("utf-16-le") in chunk:
            found = True
            break
    upload.seek(0)
    return found


def _zip_type(upload) -> str | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == b"application/hwp+zip":
                return HWPX
            if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
                return XLSX
    except zipfile.BadZipFile:
        return None
    finally:
        upload.seek(0)
    return None


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
    detected = detect_type(upload)
    if detected not in allowed:
        raise UploadRefused(
            _(
                "“%(name)s” is not a %(expected)s file (checked by its content, not its name). "
                "Please upload a %(expected)s file."
            )
            % {"name": safe_display_name(upload.name), "expected": " / ".join(TYPE_LABELS[t] for t in allowed)}
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
