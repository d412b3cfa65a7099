"""What a file really is, read from its content with bounded reads: nothing here inflates or loads a whole file.

`detect(file)` returns one of the kinds below, or None for an unknown file, and raises `UnsafeContent` for a file
that is of a known kind but carries something we do not accept (a ZIP bomb, macros, PDF actions). Containers
are judged by their directories and a few bytes of a member, never by inflating a member whole: a 1 MB upload
may declare a 1 GiB member, and only its first bytes are ever read.
"""

import re
import struct
import zipfile

import olefile

PDF = "application/pdf"
HWP = "application/x-hwp"
HWPX = "application/hwp+zip"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PNG = "image/png"
JPEG = "image/jpeg"

# The names a file of each kind may carry: the kind is decided by content, the name must agree with it.
EXTENSIONS = {
    PDF: (".pdf",),
    HWP: (".hwp",),
    HWPX: (".hwpx",),
    XLSX: (".xlsx",),
    PNG: (".png",),
    JPEG: (".jpg", ".jpeg"),
}

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HWP_SIGNATURE = b"HWP Document File"
HWP_HEADER_STREAM = "FileHeader"

# ZIP bounds. Office files hold tens to a few hundred members; their XML compresses 5-50 times.
ZIP_MAX_MEMBERS = 2000
ZIP_MAX_CENTRAL_DIRECTORY = 2 * 1024 * 1024
ZIP_MAX_TOTAL_INFLATED = 512 * 1024 * 1024
ZIP_MAX_RATIO = 200  # per member, judged on members declaring more than 1 MB
ZIP_SMALL_MEMBER = 1024 * 1024
ZIP_MAX_READ = 256 * 1024  # the most we ever read of one member (the content types list)
# The end-of-central-directory record sits in the last 22 bytes plus a comment of at most 64 KiB.
EOCD_SIGNATURE = b"PK\x05\x06"
EOCD_SEARCH = 22 + 65535

# PDF names that run code or act on opening. /OpenAction alone only sets the first view (many office suites
# write it), so it is refused when it carries one of these, which appear in its action dictionary.
PDF_ACTIVE_NAMES = {b"JS", b"JavaScript", b"Launch", b"AA", b"SubmitForm", b"ImportData", b"RichMedia", b"EmbeddedFile"}
PDF_NAME = re.compile(rb"/([A-Za-z0-9#]{2,40})")
PDF_CHUNK = 1024 * 1024
PDF_OVERLAP = 64
PDF_MAX_OBJECT_STREAMS = 2000


class UnsafeContent(Exception):
    """A known kind carrying content we refuse; `reason` is one of the keys of `uploads.REFUSAL_MESSAGES`.

    Not a user-facing refusal itself: `uploads.inspect` turns it into an `UploadRefused` naming the file."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def detect(file) -> str | None:
    file.seek(0)
    head = file.read(8)
    try:  # each reader below positions the file itself
        if head.startswith(b"%PDF-"):
            _check_pdf(file)
            return PDF
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return PNG
        if head.startswith(b"\xff\xd8\xff"):
            return JPEG
        if head.startswith(OLE_MAGIC):
            return HWP if _is_hwp5(file) else None
        if head.startswith(b"PK\x03\x04"):
            return _zip_kind(file)
        return None
    finally:
        file.seek(0)


def _is_hwp5(file) -> bool:
    """HWP 5 is an OLE file whose directory holds a "FileHeader" stream starting with the HWP signature.

    Any OLE file (a Word .doc, say) may contain the signature text somewhere, so we ask the directory.
    """
    try:
        ole = olefile.OleFileIO(file)
    except (OSError, ValueError, struct.error, IndexError):  # olefile's errors on a broken file
        return False
    try:
        if ole.get_type(HWP_HEADER_STREAM) != olefile.STGTY_STREAM or ole.get_size(HWP_HEADER_STREAM) > 4096:
            return False
        return ole.openstream(HWP_HEADER_STREAM).read(len(HWP_SIGNATURE)) == HWP_SIGNATURE
    except (OSError, ValueError, struct.error, IndexError):
        return False
    finally:
        ole.close()


def _central_directory_bounds(file) -> None:
    """Read the member count and directory size from the end record, before zipfile builds its directory."""
    file.seek(0, 2)
    size = file.tell()
    start = max(0, size - EOCD_SEARCH)
    file.seek(start)
    tail = file.read(size - start)
    at = tail.rfind(EOCD_SIGNATURE)
    if at < 0 or len(tail) - at < 22:
        raise zipfile.BadZipFile
    members, directory_size = struct.unpack("<HI", tail[at + 10 : at + 16])
    # Also refuses ZIP64, which no office file of ours needs: its markers 0xFFFF / 0xFFFFFFFF exceed both bounds.
    if members > ZIP_MAX_MEMBERS or directory_size > ZIP_MAX_CENTRAL_DIRECTORY:
        raise UnsafeContent("zip_bomb")


def _read_member(archive, info, limit: int) -> bytes:
    with archive.open(info) as member:
        return member.read(limit)


def _zip_kind(file) -> str | None:
    try:
        _central_directory_bounds(file)
        with zipfile.ZipFile(file) as archive:  # finds its directory from the end, as the bounds check did
            infos = archive.infolist()
            total = 0
            for info in infos:
                total += info.file_size
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > ZIP_SMALL_MEMBER and ratio > ZIP_MAX_RATIO:
                    raise UnsafeContent("zip_bomb")
            if total > ZIP_MAX_TOTAL_INFLATED:
                raise UnsafeContent("zip_bomb")
            by_name = {info.filename: info for info in infos}
            if "mimetype" in by_name:
                if _read_member(archive, by_name["mimetype"], 64).strip() == b"application/hwp+zip":
                    return HWPX
                return None
            if "[Content_Types].xml" in by_name and "xl/workbook.xml" in by_name:
                return _xlsx_or_refused(archive, by_name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError):
        # A corrupt stream, an unsupported method or encryption: not a file we can vouch for.
        return None
    return None


def _xlsx_or_refused(archive, by_name) -> str:
    """An XLSX, not an XLSM: no VBA project, no macro-enabled content type, no ActiveX controls."""
    lowered = [name.lower() for name in by_name]
    if any(name.endswith("vbaproject.bin") or "/activex/" in name for name in lowered):
        raise UnsafeContent("macros")
    types = by_name["[Content_Types].xml"]
    if types.file_size > ZIP_MAX_READ:
        raise UnsafeContent("zip_bomb")
    content_types = _read_member(archive, types, ZIP_MAX_READ).lower()
    if b"macroenabled" in content_types or b"vbaproject" in content_types:
        raise UnsafeContent("macros")
    return XLSX


def _pdf_names(chunk: bytes):
    for match in PDF_NAME.finditer(chunk):
        name = match.group(1)
        if b"#" in name:  # "/J#61vaScript" is "/JavaScript"
            name = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), name)
        yield name


def _check_pdf(file) -> None:
    """Refuse PDFs with actions that run code (JavaScript, launch, forms submitting data, embedded files).

    The raw file is scanned in chunks; a PDF that packs its objects into compressed object streams hides its
    dictionaries from that scan, so those streams are checked with pypdf, whose inflation is bounded.
    """
    file.seek(0)
    previous = b""
    object_streams = False
    while chunk := file.read(PDF_CHUNK):
        window = previous + chunk
        for name in _pdf_names(window):
            if name in PDF_ACTIVE_NAMES:
                raise UnsafeContent("pdf_active")
            if name == b"ObjStm":
                object_streams = True
        previous = window[-PDF_OVERLAP:]
    if object_streams:
        _check_pdf_object_streams(file)


def _check_pdf_object_streams(file) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(file, strict=False)  # positions the file itself (from its end)
        if reader.is_encrypted:
            raise UnsafeContent("pdf_unreadable")
        streams = {stream for stream, _index in reader.xref_objStm.values()}
        if len(streams) > PDF_MAX_OBJECT_STREAMS:
            raise UnsafeContent("pdf_unreadable")
        for number in streams:
            for name in _pdf_names(reader.get_object(number).get_data()):
                if name in PDF_ACTIVE_NAMES:
                    raise UnsafeContent("pdf_active")
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, NotImplementedError) as exc:
        raise UnsafeContent("pdf_unreadable") from exc
