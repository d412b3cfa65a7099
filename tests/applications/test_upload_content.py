"""What an upload is, decided by bounded reads of its content (issue 10, findings 3 and 8)."""

import io
import struct
import tracemalloc
import zipfile
import zlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from applications import filetypes, uploads
from applications.models import Attachment
from tests.factories import PDF_BYTES

ALL = (uploads.PDF, uploads.HWP, uploads.HWPX, uploads.XLSX, uploads.PNG, uploads.JPEG)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def refusal(name, content, allowed=ALL):
    with pytest.raises(uploads.UploadRefused) as caught:
        uploads.inspect(SimpleUploadedFile(name, content), allowed=allowed)
    return str(caught.value.message)


def accepted(name, content, allowed=ALL):
    return uploads.inspect(SimpleUploadedFile(name, content), allowed=allowed)[0]


# ZIP containers ---------------------------------------------------------------------------------------------


def deflated_member_zip(name: str, inflated_size: int) -> bytes:
    """A stored ZIP whose one member inflates to `inflated_size` zero bytes, built with streaming deflate."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    crc, body, block = 0, [], b"\0" * (1024 * 1024)
    for _ in range(inflated_size // len(block)):
        crc = zlib.crc32(block, crc)
        body.append(compressor.compress(block))
    body.append(compressor.flush())
    data = b"".join(body)
    encoded = name.encode()
    common = struct.pack("<HHHHHIII", 20, 0, 8, 0, 0, crc, len(data), inflated_size)
    local = b"PK\x03\x04" + common + struct.pack("<HH", len(encoded), 0) + encoded
    central = (
        b"PK\x01\x02"
        + struct.pack("<H", 20)
        + common
        + struct.pack("<HHHHHII", len(encoded), 0, 0, 0, 0, 0, 0)
        + encoded
    )
    end = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, 1, 1, len(central), len(local) + len(data), 0)
    return local + data + central + end


def test_a_zip_bomb_is_refused_without_inflating_it():
    bomb = deflated_member_zip("mimetype", 256 * 1024 * 1024)
    assert zipfile.ZipFile(io.BytesIO(bomb)).infolist()[0].file_size == 256 * 1024 * 1024
    assert len(bomb) < 512 * 1024
    tracemalloc.start()
    try:
        message = refusal("plan.hwpx", bomb)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "would unpack to far more than an office document holds" in message
    assert peak < 4 * 1024 * 1024


def test_a_zip_with_too_many_members_is_refused_before_its_directory_is_read():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/hwp+zip")
        for number in range(filetypes.ZIP_MAX_MEMBERS):
            archive.writestr(f"Contents/{number}.xml", "")
    assert "would unpack" in refusal("plan.hwpx", buffer.getvalue())


def xlsx(*, macros=False):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        kind = "sheet.macroEnabled.main+xml" if macros else "sheet.main+xml"
        archive.writestr(
            "[Content_Types].xml",
            f'<Types><Override PartName="/xl/workbook.xml" ContentType="application/vnd.ms-excel.{kind}"/></Types>',
        )
        archive.writestr("xl/workbook.xml", "<workbook/>")
        if macros:
            archive.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0")
    return buffer.getvalue()


def test_an_xlsx_is_accepted_and_a_macro_enabled_workbook_is_not():
    assert accepted("budget.xlsx", xlsx()) == uploads.XLSX
    assert "contains macros" in refusal("budget.xlsx", xlsx(macros=True))


# OLE: HWP 5 against other compound files -------------------------------------------------------------------


def ole_file(stream_name: str, content: bytes) -> bytes:
    """A minimal OLE compound file (version 3, 512-byte sectors) holding one 4 KiB stream."""
    end, free, fat_sector, no_stream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    content = content.ljust(4096, b"\0")
    header = (
        filetypes.OLE_MAGIC
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<I", 0)
        + struct.pack("<I", free) * 108
    )
    fat = [fat_sector, end] + list(range(3, 10)) + [end]
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat) + struct.pack("<I", free) * (128 - len(fat))

    def entry(name, kind, child, start, size):
        encoded = (name + "\0").encode("utf-16-le") if name else b""
        return (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", no_stream, no_stream, child)
            + b"\0" * 36
            + struct.pack("<IQ", start, size)
        )

    directory = (
        entry("Root Entry", 5, 1, end, 0)
        + entry(stream_name, 2, no_stream, 2, 4096)
        + entry("", 0, no_stream, 0, 0) * 2
    )
    return header + fat_bytes + directory + content


def test_an_hwp5_file_is_told_from_a_word_file_that_mentions_the_marker():
    hwp = ole_file("FileHeader", b"HWP Document File\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x05\x00")
    assert accepted("plan.hwp", hwp) == uploads.HWP
    word = ole_file("WordDocument", b"HWP Document File " + "FileHeader".encode("utf-16-le"))
    assert "is not a" in refusal("plan.hwp", word)


# PDF --------------------------------------------------------------------------------------------------------

ACTIVE_PDFS = [
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\ntrailer<</Root 1 0 R>>",
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/OpenAction<</S/J#61vaScript/J#53(x)>>>>endobj\ntrailer<</Root 1 0 R>>",
    b"%PDF-1.4\n1 0 obj<</Type/Action/S/Launch/F(cmd.exe)>>endobj\ntrailer<<>>",
    b"%PDF-1.4\n1 0 obj<</Type/Page/AA<</O 2 0 R>>>>endobj\ntrailer<<>>",
]


@pytest.mark.parametrize("content", ACTIVE_PDFS)
def test_a_pdf_with_actions_that_run_code_is_refused(content):
    assert "contains active content" in refusal("plan.pdf", content + b"\n%%EOF\n")


def test_a_pdf_whose_open_action_only_sets_the_first_view_is_accepted():
    plain = b"%PDF-1.4\n1 0 obj<</Type/Catalog/OpenAction[3 0 R/FitH null]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    assert accepted("plan.pdf", plain) == uploads.PDF


def object_stream_pdf(catalog: bytes) -> bytes:
    """A PDF 1.5 whose catalog sits in a compressed object stream, found through a cross-reference stream."""
    objects = b"1 0 " + catalog
    data = zlib.compress(objects)
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n")
    offsets = {}
    offsets[2] = out.tell()
    out.write(b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n")
    offsets[3] = out.tell()
    out.write(b"3 0 obj<</Type/ObjStm/N 1/First %d/Filter/FlateDecode/Length %d>>stream\n" % (4, len(data)))
    out.write(data + b"\nendstream endobj\n")
    xref_offset = out.tell()
    rows = [(0, 0, 0xFFFF), (2, 3, 0), (1, offsets[2], 0), (1, offsets[3], 0), (1, xref_offset, 0)]
    table = b"".join(struct.pack(">BIH", *row) for row in rows)
    out.write(b"4 0 obj<</Type/XRef/Size 5/W[1 4 2]/Root 1 0 R/Length %d>>stream\n" % len(table))
    out.write(table + b"\nendstream endobj\nstartxref\n%d\n%%%%EOF\n" % xref_offset)
    return out.getvalue()


def test_active_content_hidden_in_a_compressed_object_stream_is_found():
    hidden = object_stream_pdf(b"<</Type/Catalog/Pages 2 0 R/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>")
    assert b"JavaScript" not in hidden
    assert "contains active content" in refusal("plan.pdf", hidden)
    assert accepted("plan.pdf", object_stream_pdf(b"<</Type/Catalog/Pages 2 0 R>>")) == uploads.PDF


# Names must agree with the content, and downloads are typed by the verified kind ------------------------------


@pytest.mark.parametrize("name", ["plan.html", "plan.hta", "plan.svg", "plan", "plan.pdf.exe"])
def test_a_pdf_under_another_name_is_refused(name):
    assert "its name must end in .pdf" in refusal(name, PDF_BYTES)


def test_the_stored_name_keeps_only_a_known_extension():
    assert uploads.generated_name("x.hta").count(".") == 0
    assert uploads.generated_name("x.JPEG").endswith(".jpeg")


@pytest.mark.django_db
def test_a_download_is_typed_by_its_verified_kind_not_by_its_name(client, plan, applicant):
    attachment = Attachment(
        application=plan,
        kind="other",
        original_name="report.html",  # stored before names had to agree with the content
        content_type=uploads.PDF,
        size=len(PDF_BYTES),
        sha256="0" * 64,
        uploaded_by=applicant,
    )
    attachment.file.save("report.html", ContentFile(PDF_BYTES), save=False)
    attachment.save()
    client.force_login(applicant)
    response = client.get(reverse("applications:attachment", args=[plan.pk, attachment.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
