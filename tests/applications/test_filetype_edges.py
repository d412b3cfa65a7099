"""Issue 11: upload kinds at their edges (no database). Any OLE file is not an HWP, any ZIP is not an XLSX or
HWPX; each bound of the ZIP and PDF checks is tried at the limit and one past it (limits lowered for speed)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from applications import filetypes, uploads
from tests.factories import PDF_BYTES

from .test_upload_content import object_stream_pdf, ole_file

ALL = (uploads.PDF, uploads.HWP, uploads.HWPX, uploads.XLSX, uploads.PNG, uploads.JPEG)
SIGNATURE = b"HWP Document File\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x05\x00"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def detect(content: bytes):
    return filetypes.detect(io.BytesIO(content))


def _reason(content: bytes) -> str:
    """The key of the refusal's message, exactly (pytest's match= would take any text around it)."""
    with pytest.raises(filetypes.UnsafeContent) as refused:
        detect(content)
    return refused.value.reason


def zipped(members: dict[str, bytes | str], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


XLSX_TYPES = (
    '<Types><Override PartName="/xl/workbook.xml" ContentType="application/vnd.ms-excel.sheet.main+xml"/></Types>'
)


# --- OLE: only an HWP 5 file header makes an HWP --------------------------------------------------------


def test_an_ole_file_is_an_hwp_only_with_the_signature_in_its_file_header():
    assert detect(ole_file("FileHeader", SIGNATURE)) == filetypes.HWP
    assert detect(ole_file("FileHeader", b"Not a HWP Document File")) is None
    assert detect(ole_file("FileHeader", b"HWP Document Fil")) is None
    assert detect(ole_file("Header", SIGNATURE)) is None


def test_an_ole_file_whose_header_stream_cannot_be_read_is_not_an_hwp(monkeypatch):
    import olefile

    def broken(self, name):
        raise OSError("incomplete OLE sector")

    monkeypatch.setattr(olefile.OleFileIO, "openstream", broken)
    assert detect(ole_file("FileHeader", SIGNATURE)) is None


def test_a_broken_ole_file_is_unknown_not_an_error():
    assert detect(filetypes.OLE_MAGIC + b"\0" * 600) is None
    assert detect(filetypes.OLE_MAGIC) is None


def test_the_file_header_stream_may_be_at_most_4_kib(monkeypatch):
    import olefile

    real_size = olefile.OleFileIO.get_size
    monkeypatch.setattr(olefile.OleFileIO, "get_size", lambda self, name: real_size(self, name) + 1)
    assert detect(ole_file("FileHeader", SIGNATURE)) is None  # 4097 bytes
    monkeypatch.setattr(olefile.OleFileIO, "get_size", real_size)
    assert detect(ole_file("FileHeader", SIGNATURE)) == filetypes.HWP  # exactly 4096


# --- ZIP: the members decide, never the container ---------------------------------------------------------


@pytest.mark.parametrize(
    "members",
    [
        {"readme.txt": "hello"},
        {"[Content_Types].xml": XLSX_TYPES},
        {"xl/workbook.xml": "<workbook/>"},
        {"mimetype": "application/zip"},
        {"mimetype": "application/hwp+zip-not", "[Content_Types].xml": XLSX_TYPES, "xl/workbook.xml": "<w/>"},
    ],
    ids=["plain", "types-only", "workbook-only", "other-mimetype", "mimetype-wins"],
)
def test_a_zip_that_is_neither_xlsx_nor_hwpx_is_unknown(members):
    assert detect(zipped(members)) is None
    with pytest.raises(uploads.UploadRefused):
        uploads.inspect(SimpleUploadedFile("budget.xlsx", zipped(members)), allowed=ALL)


def test_hwpx_and_xlsx_are_recognised():
    assert detect(zipped({"mimetype": "application/hwp+zip\n", "Contents/section0.xml": "<s/>"})) == filetypes.HWPX
    assert detect(zipped({"[Content_Types].xml": XLSX_TYPES, "xl/workbook.xml": "<workbook/>"})) == filetypes.XLSX


@pytest.mark.parametrize(
    "members",
    [
        {"xl/activeX/activeX1.xml": "<ax/>"},
        {"xl/VBAPROJECT.BIN": b"\0"},
        {"[Content_Types].xml": XLSX_TYPES.replace("main+xml", "main+xml vbaProject")},
    ],
    ids=["activex", "vba-project-any-case", "vba-content-type"],
)
def test_an_xlsx_with_active_content_is_refused(members):
    content = zipped({"[Content_Types].xml": XLSX_TYPES, "xl/workbook.xml": "<workbook/>", **members})
    with pytest.raises(filetypes.UnsafeContent) as refused:
        detect(content)
    assert refused.value.reason == "macros"


def test_the_content_types_list_is_read_only_up_to_its_bound(monkeypatch):
    content = zipped({"[Content_Types].xml": XLSX_TYPES, "xl/workbook.xml": "<workbook/>"})
    monkeypatch.setattr(filetypes, "ZIP_MAX_READ", len(XLSX_TYPES))
    assert detect(content) == filetypes.XLSX
    monkeypatch.setattr(filetypes, "ZIP_MAX_READ", len(XLSX_TYPES) - 1)
    with pytest.raises(filetypes.UnsafeContent) as refused:
        detect(content)
    assert refused.value.reason == "zip_bomb"  # the key of its message, exactly (match= took any text around it)


def test_a_macro_enabled_content_type_alone_refuses_the_workbook():
    types = XLSX_TYPES.replace("sheet.main+xml", "sheet.macroEnabled.main+xml")
    with pytest.raises(filetypes.UnsafeContent) as refused:
        detect(zipped({"[Content_Types].xml": types, "xl/workbook.xml": "<workbook/>"}))
    assert refused.value.reason == "macros"


def test_only_the_first_64_bytes_of_the_mimetype_member_are_read():
    """The member's declared size is not trusted: a "mimetype" is judged on its first bytes only."""
    padded = "application/hwp+zip" + " " * 45
    assert detect(zipped({"mimetype": padded + "not read"})) == filetypes.HWPX
    assert detect(zipped({"mimetype": padded[:-1] + "x"})) is None


def test_the_member_count_bound(monkeypatch):
    content = zipped({"mimetype": "application/hwp+zip", "a.xml": "", "b.xml": ""})
    monkeypatch.setattr(filetypes, "ZIP_MAX_MEMBERS", 3)
    assert detect(content) == filetypes.HWPX
    monkeypatch.setattr(filetypes, "ZIP_MAX_MEMBERS", 2)
    assert _reason(content) == "zip_bomb"


def test_the_central_directory_size_bound(monkeypatch):
    content = zipped({"mimetype": "application/hwp+zip"})
    directory = zipfile.ZipFile(io.BytesIO(content))
    size = len(content) - directory.start_dir - 22
    monkeypatch.setattr(filetypes, "ZIP_MAX_CENTRAL_DIRECTORY", size)
    assert detect(content) == filetypes.HWPX
    monkeypatch.setattr(filetypes, "ZIP_MAX_CENTRAL_DIRECTORY", size - 1)
    assert _reason(content) == "zip_bomb"


def test_the_total_inflated_size_bound(monkeypatch):
    content = zipped({"mimetype": "application/hwp+zip", "a.xml": "x" * 81})  # 19 + 81 = 100 bytes inflated
    monkeypatch.setattr(filetypes, "ZIP_MAX_TOTAL_INFLATED", 100)
    assert detect(content) == filetypes.HWPX
    monkeypatch.setattr(filetypes, "ZIP_MAX_TOTAL_INFLATED", 99)
    assert _reason(content) == "zip_bomb"


def test_the_ratio_bound_applies_to_large_members_only(monkeypatch):
    content = zipped({"mimetype": "application/hwp+zip", "a.xml": "0" * 10_000})
    ratio = 10_000 / zipfile.ZipFile(io.BytesIO(content)).getinfo("a.xml").compress_size
    monkeypatch.setattr(filetypes, "ZIP_MAX_RATIO", int(ratio) - 1)
    monkeypatch.setattr(filetypes, "ZIP_SMALL_MEMBER", 10_000)  # exactly the small size: not judged
    assert detect(content) == filetypes.HWPX
    monkeypatch.setattr(filetypes, "ZIP_SMALL_MEMBER", 9_999)
    assert _reason(content) == "zip_bomb"
    monkeypatch.setattr(filetypes, "ZIP_MAX_RATIO", int(ratio) + 1)
    assert detect(content) == filetypes.HWPX


def test_a_stored_member_is_judged_without_dividing_by_zero(monkeypatch):
    monkeypatch.setattr(filetypes, "ZIP_SMALL_MEMBER", 0)
    content = zipped({"mimetype": "application/hwp+zip", "empty.xml": ""}, compression=zipfile.ZIP_STORED)
    assert detect(content) == filetypes.HWPX


@pytest.mark.parametrize(
    "content",
    [
        b"PK\x03\x04" + b"\0" * 40,  # no end record
        zipped({"mimetype": "application/hwp+zip"})[:-1],  # end record cut short
        zipped({"mimetype": "application/hwp+zip"})[:-12],  # too short even for its counts
    ],
    ids=["no-end-record", "short-end-record", "end-record-without-counts"],
)
def test_a_broken_zip_is_unknown_not_an_error(content):
    assert detect(content) is None


def test_a_zip64_directory_is_refused():
    content = bytearray(zipped({"mimetype": "application/hwp+zip"}))
    end = content.rfind(filetypes.EOCD_SIGNATURE)
    content[end + 10 : end + 12] = b"\xff\xff"
    with pytest.raises(filetypes.UnsafeContent, match="zip_bomb"):
        detect(bytes(content))


def test_the_end_record_is_found_behind_the_longest_comment():
    """A comment of 65,535 bytes (the most a ZIP allows) puts the end record at the very start of the window."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/hwp+zip")
        archive.comment = b"c" * 65_535
    assert detect(buffer.getvalue()) == filetypes.HWPX


def test_the_last_end_record_signature_is_the_end_record():
    """A stored member may contain the signature bytes; the real end record is the last one."""
    fake_end = b"PK\x05\x06" + b"\0" * 6 + b"\xff\xff" + b"\xff\xff\xff\xff" + b"\0" * 6
    content = zipped({"mimetype": "application/hwp+zip", "a.bin": fake_end}, compression=zipfile.ZIP_STORED)
    assert detect(content) == filetypes.HWPX


def test_zip64_markers_are_refused_by_the_bounds():
    content = zipped({"mimetype": "application/hwp+zip"})
    end = content.rfind(b"PK\x05\x06")
    marked = content[: end + 10] + b"\xff\xff" + content[end + 12 :]
    assert _reason(marked) == "zip_bomb"


def _declared(monkeypatch, *members):
    """A ZIP whose directory declares these (name, inflated size, compressed size) members."""
    from types import SimpleNamespace

    infos = [SimpleNamespace(filename=name, file_size=size, compress_size=packed) for name, size, packed in members]
    monkeypatch.setattr(zipfile.ZipFile, "infolist", lambda self: infos)
    return zipped({"placeholder": ""})


def test_the_ratio_is_refused_above_the_bound_only(monkeypatch):
    monkeypatch.setattr(filetypes, "ZIP_SMALL_MEMBER", 0)
    monkeypatch.setattr(filetypes, "ZIP_MAX_RATIO", 200)
    assert detect(_declared(monkeypatch, ("a.bin", 200, 1))) is None  # exactly 200 times: accepted
    assert _reason(_declared(monkeypatch, ("a.bin", 201, 1))) == "zip_bomb"
    assert _reason(_declared(monkeypatch, ("a.bin", 201, 0))) == "zip_bomb"  # a size of 0 counts as 1


def test_a_zip_comment_does_not_hide_the_end_record():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/hwp+zip")
        archive.comment = b"c" * 60_000
    assert detect(buffer.getvalue()) == filetypes.HWPX


# --- PDF ------------------------------------------------------------------------------------------------


def test_an_active_name_split_across_read_chunks_is_found(monkeypatch):
    monkeypatch.setattr(filetypes, "PDF_CHUNK", 16)
    content = b"%PDF-1.4\n" + b" " * 3 + b"/JavaScript>>\n%%EOF"
    assert content[12:16] == b"/Jav"  # the name straddles the 16-byte cut (before, it began a chunk whole)
    with pytest.raises(filetypes.UnsafeContent, match="pdf_active"):
        detect(content)


def test_an_escaped_active_name_is_found():
    with pytest.raises(filetypes.UnsafeContent, match="pdf_active"):
        detect(b"%PDF-1.4\n<</S/J#61vaScript>>\n%%EOF")
    assert detect(b"%PDF-1.4\n<</Title/Caf#65>>\n%%EOF") == filetypes.PDF
    for escaped in (b"/#4aavaScript", b"/#4AavaScript"):  # hex digits in either case
        with pytest.raises(filetypes.UnsafeContent) as refused:
            detect(b"%PDF-1.4\n<</S" + escaped + b">>\n%%EOF")
        assert refused.value.reason == "pdf_active"


def test_other_headers():
    assert detect(b"\x89PNG\r\n\x1a\n" + b"\0" * 8) == filetypes.PNG
    assert detect(b"\xff\xd8\xff\xe0" + b"\0" * 8) == filetypes.JPEG
    assert detect(b"GIF89a" + b"\0" * 8) is None
    stream = io.BytesIO(PDF_BYTES)
    filetypes.detect(stream)
    assert stream.tell() == 0  # rewound for the hash that follows


# --- uploads.inspect and the names ------------------------------------------------------------------------


def test_the_size_limit_is_reached_exactly_and_not_passed(settings):
    settings.PORTAL_MAX_UPLOAD_BYTES = len(PDF_BYTES)
    kind, sha256, size = uploads.inspect(SimpleUploadedFile("a.pdf", PDF_BYTES), allowed=ALL)
    assert (kind, size, len(sha256)) == (uploads.PDF, len(PDF_BYTES), 64)
    settings.PORTAL_MAX_UPLOAD_BYTES = len(PDF_BYTES) - 1
    with pytest.raises(uploads.UploadRefused, match="the limit is"):
        uploads.inspect(SimpleUploadedFile("a.pdf", PDF_BYTES), allowed=ALL)
    assert uploads.inspect(SimpleUploadedFile("a.pdf", PDF_BYTES), allowed=ALL, max_bytes=len(PDF_BYTES))[0]


def test_the_refusals_name_the_file_and_what_was_expected():
    with pytest.raises(uploads.UploadRefused) as empty:
        uploads.inspect(SimpleUploadedFile("빈.pdf", b""), allowed=ALL)
    assert str(empty.value) == "The file “빈.pdf” is empty."
    with pytest.raises(uploads.UploadRefused) as wrong:
        uploads.inspect(SimpleUploadedFile("map.png", b"\x89PNG\r\n\x1a\n"), allowed=(uploads.PDF, uploads.HWP))
    assert str(wrong.value) == (
        "“map.png” is not a PDF / HWP file (checked by its content, not its name). Please upload a PDF / HWP file."
    )
    with pytest.raises(uploads.UploadRefused) as renamed:
        uploads.inspect(SimpleUploadedFile("photo.jpeg.pdf", b"\xff\xd8\xff\xe0"), allowed=ALL)
    assert str(renamed.value) == (
        "“photo.jpeg.pdf” is a JPEG file, so its name must end in .jpg / .jpeg. Rename it and upload it again."
    )
    with pytest.raises(uploads.UploadRefused) as macro:
        uploads.inspect(
            SimpleUploadedFile(
                "a.xlsx", zipped({"[Content_Types].xml": XLSX_TYPES, "xl/workbook.xml": "", "xl/vbaProject.bin": ""})
            ),
            allowed=ALL,
        )
    assert str(macro.value).startswith("“a.xlsx” contains macros")


def test_the_hash_is_of_the_whole_file():
    import hashlib

    content = PDF_BYTES + b"%" * 200_000
    _kind, sha256, _size = uploads.inspect(SimpleUploadedFile("a.PDF", content), allowed=ALL)
    assert sha256 == hashlib.sha256(content).hexdigest()


def test_names():
    assert uploads.safe_display_name("..\\..\\etc/pa<ss>wd:\x00.pdf") == "passwd.pdf"
    assert uploads.safe_display_name("  ") == "file"
    assert uploads.safe_display_name(None) == "file"
    assert uploads.safe_display_name("가" * 300 + ".pdf") == "가" * 200
    assert uploads.generated_name("보고서.PDF").endswith(".pdf")
    assert "." not in uploads.generated_name("run.exe")
    assert uploads.generated_name("a.pdf") != uploads.generated_name("a.pdf")


@pytest.mark.parametrize(
    ("size", "text"),
    [(0, "0 B"), (1023, "1023 B"), (1024, "1.0 KB"), (1536, "1.5 KB"), (1024**2, "1.0 MB"), (5 * 1024**4, "5120.0 GB")],
)
def test_human_size(size, text):
    assert uploads.human_size(size) == text


def test_a_download_of_an_unverified_kind_is_opaque(tmp_path):
    from django.core.files import File

    path = tmp_path / "x.html"
    path.write_bytes(b"<script>")
    with path.open("rb") as handle:
        response = uploads.download_response(File(handle, name="x.html"), filename="x.html", content_type="text/html")
        assert response["Content-Type"] == "application/octet-stream"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert 'attachment; filename="x.html"' == response["Content-Disposition"]
    with path.open("rb") as handle:
        response = uploads.download_response(File(handle, name="x.pdf"), filename="x.pdf", content_type=uploads.PDF)
        assert response["Content-Type"] == uploads.PDF


# --- PDFs packing objects into streams: what pypdf cannot read is refused as unreadable, never accepted --------


def _unreadable(content):
    with pytest.raises(filetypes.UnsafeContent) as refused:
        detect(content)
    return refused.value.reason


def test_an_encrypted_pdf_with_object_streams_is_unreadable():
    plain = object_stream_pdf(b"<</Type/Catalog/Pages 2 0 R>>")
    standard = b"/ID[<00><00>]/Encrypt<</Filter/Standard/V 1/R 2/O<%s>/U<%s>/P -4>>" % (b"00" * 32, b"00" * 32)
    assert _unreadable(plain.replace(b"/Type/XRef/Size 5", b"/Type/XRef/Size 5" + standard)) == "pdf_unreadable"


def test_an_encryption_pypdf_does_not_implement_is_unreadable_not_an_error():
    """Before: pypdf's NotImplementedError for an unknown encryption handler escaped `detect` (a server error
    on upload instead of a refusal)."""
    plain = object_stream_pdf(b"<</Type/Catalog/Pages 2 0 R>>")
    odd = plain.replace(b"/Type/XRef/Size 5", b"/Type/XRef/Size 5/Encrypt 2 0 R")
    assert _unreadable(odd) == "pdf_unreadable"


def test_a_damaged_pdf_with_object_streams_is_unreadable():
    plain = object_stream_pdf(b"<</Type/Catalog/Pages 2 0 R>>")
    assert _unreadable(plain.replace(b"%%EOF\n", b"")) == "pdf_unreadable"


def test_a_pdf_is_read_leniently_a_slightly_wrong_cross_reference_offset_is_accepted():
    """Office suites write small errors that every reader tolerates; pypdf reads in its lenient mode."""
    plain = object_stream_pdf(b"<</Type/Catalog/Pages 2 0 R>>")
    at = plain.rfind(b"startxref\n")
    offset = int(plain[at + len(b"startxref\n") :].split(b"\n")[0])
    shifted = plain[:at] + b"startxref\n%d\n%%%%EOF\n" % (offset + 1)
    assert detect(shifted) == filetypes.PDF


def test_the_number_of_object_streams_is_bounded(monkeypatch):
    plain = object_stream_pdf(b"<</Type/Catalog/Pages 2 0 R>>")  # one object stream
    monkeypatch.setattr(filetypes, "PDF_MAX_OBJECT_STREAMS", 1)
    assert detect(plain) == filetypes.PDF
    monkeypatch.setattr(filetypes, "PDF_MAX_OBJECT_STREAMS", 0)
    assert _unreadable(plain) == "pdf_unreadable"


def test_a_download_carries_the_name_it_is_given_not_the_stored_name(tmp_path):
    from django.core.files import File

    path = tmp_path / "3f2a9c.pdf"
    path.write_bytes(PDF_BYTES)
    with path.open("rb") as handle:
        response = uploads.download_response(File(handle, name="3f2a9c.pdf"), filename="plan.pdf", content_type=None)
        assert response["Content-Disposition"] == 'attachment; filename="plan.pdf"'
        assert response["Content-Type"] == "application/octet-stream"


# --- mutation testing, second round (issue 11) ----------------------------------------------------------------


def test_the_size_refusal_says_exactly_the_size_and_the_limit(settings):
    settings.PORTAL_MAX_UPLOAD_BYTES = 1024
    content = PDF_BYTES + b"%" * (1536 - len(PDF_BYTES))
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.inspect(SimpleUploadedFile("../큰 파일.pdf", content), allowed=ALL)
    assert str(refused.value) == "The file “큰 파일.pdf” is 1.5 KB; the limit is 1.0 KB per file."


def test_the_upload_is_rewound_for_the_caller_after_it_is_hashed():
    """The caller stores the file next: it must start from the first byte, not where the hash stopped."""
    upload = SimpleUploadedFile("a.pdf", PDF_BYTES + b"%" * 100_000)
    uploads.inspect(upload, allowed=ALL)
    assert upload.tell() == 0


def test_a_stored_file_is_answered_or_it_is_a_404(tmp_path):
    from django.core.files import File
    from django.http import Http404

    for empty in (None, ""):
        with pytest.raises(Http404):
            uploads.stored_file_response(empty, filename="a.pdf", content_type=uploads.PDF)
    path = tmp_path / "3f2a9c.pdf"
    path.write_bytes(PDF_BYTES)
    with path.open("rb") as handle:
        response = uploads.stored_file_response(
            File(handle, name=str(path)), filename="answer.bin", content_type=uploads.PDF
        )
        assert response["Content-Disposition"] == 'attachment; filename="answer.bin"'
        assert response["Content-Type"] == uploads.PDF  # the verified kind, not a guess from the name
        assert b"".join(response.streaming_content) == PDF_BYTES


class _CountingReads(io.BytesIO):
    """A file that remembers how many bytes each read asked for (a real file may allocate what is asked)."""

    def __init__(self, content):
        super().__init__(content)
        self.reads = []

    def read(self, size=-1):
        data = super().read(size)
        self.reads.append(size if size is not None and size >= 0 else len(data))
        return data


def test_the_end_record_is_looked_for_in_the_tail_only():
    """A large ZIP is never read whole to find its end record: at most the record and the longest comment."""
    padding = bytes(range(256)) * 4096  # 1 MiB that does not compress, stored as it is
    content = zipped({"mimetype": "application/hwp+zip", "padding.bin": padding}, compression=zipfile.ZIP_STORED)
    file = _CountingReads(content)
    assert filetypes.detect(file) == filetypes.HWPX
    assert max(file.reads) <= filetypes.EOCD_SEARCH


def test_a_stored_name_is_32_hex_digits_and_a_known_extension_only():
    import re

    assert re.fullmatch(r"[0-9a-f]{32}", uploads.generated_name("run.exe"))
    assert re.fullmatch(r"[0-9a-f]{32}", uploads.generated_name(None))
    assert re.fullmatch(r"[0-9a-f]{32}\.xlsx", uploads.generated_name("XLSX 예산.XLSX"))


def test_a_display_name_keeps_every_printable_character_but_the_forbidden_ones():
    assert uploads.safe_display_name("XLSX 예산 (2026) #1.xlsx") == "XLSX 예산 (2026) #1.xlsx"
    assert uploads.safe_display_name('a<b>c:d"e|f?g*h.pdf') == "abcdefgh.pdf"


def test_an_upload_that_reports_no_size_is_refused_as_empty():
    upload = SimpleUploadedFile("a.pdf", b"")
    upload.size = None
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.inspect(upload, allowed=ALL)
    assert str(refused.value) == "The file “a.pdf” is empty."


def test_a_windows_path_keeps_only_the_file_name():
    assert uploads.safe_display_name("C:\\Users\\kim\\계획서.pdf") == "계획서.pdf"


def test_a_pdf_is_scanned_in_bounded_chunks(monkeypatch):
    """No read asks for more than a chunk, whatever the file's size (here a chunk of 16 bytes)."""
    monkeypatch.setattr(filetypes, "PDF_CHUNK", 16)
    file = _CountingReads(PDF_BYTES)
    assert filetypes.detect(file) == filetypes.PDF
    assert max(file.reads) <= 16 < len(PDF_BYTES)
