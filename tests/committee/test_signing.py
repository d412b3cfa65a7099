"""Notices that prove themselves (issue 13): the PDF carries the issuing authority's PAdES signature, which
pyHanko's own validator accepts and a single changed byte breaks; /verify/ takes the file itself."""

import io

import pytest
import time_machine
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from committee import services
from core import signing

from .conftest import AFTER_ANNOUNCEMENT, MEETING_DAY

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def own_authority(settings, tmp_path):
    """Each test signs with a demo authority of its own (made on first use, as `make run` makes one)."""
    settings.PORTAL_SIGNING_PKCS12 = ""
    settings.PORTAL_SIGNING_DEMO = True
    settings.PORTAL_SIGNING_DIR = tmp_path / "signing"
    return settings.PORTAL_SIGNING_DIR


@pytest.fixture
def sent(notice, secretariat, django_capture_on_commit_callbacks, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(AFTER_ANNOUNCEMENT, tick=False), django_capture_on_commit_callbacks(execute=True):
        services.send_notices(secretariat, [notice], at=AFTER_ANNOUNCEMENT)
    notice.refresh_from_db()
    return notice


def pyhanko_status(data: bytes, root_file):
    """pyHanko's validator, called directly (not through core.signing): what any PAdES validator would say."""
    root = asn1_x509.Certificate.load(pem.unarmor(root_file.read_bytes())[2])
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    (signature,) = reader.embedded_signatures
    return validate_pdf_signature(signature, ValidationContext(trust_roots=[root]))


def flip(data: bytes, at: int) -> bytes:
    changed = bytearray(data)
    changed[at] ^= 0x01
    return bytes(changed)


def upload(data: bytes, name="notice.pdf"):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_the_notice_is_signed_and_pyhanko_validates_it(notice, own_authority):
    data = notice.pdf.open("rb").read()
    status = pyhanko_status(data, own_authority / signing.DEMO_ROOT)
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert "Demo signer" in status.signing_cert.subject.human_friendly
    (signature,) = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    assert str(signature.sig_object["/Reason"]) == f"{notice.document_number} 지정"


@pytest.mark.parametrize("where", ["content", "first range", "second range", "last byte"])
def test_a_changed_byte_breaks_the_signature(notice, own_authority, where):
    data = notice.pdf.open("rb").read()
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    _, first_length, second_start, second_length = reader.embedded_signatures[0].byte_range
    at = {
        "content": 400,
        "first range": first_length // 2,
        "second range": second_start + second_length // 2,
        "last byte": len(data) - 2,
    }[where]
    changed = flip(data, at)
    try:
        status = pyhanko_status(changed, own_authority / signing.DEMO_ROOT)
    except Exception:  # noqa: BLE001 - pyHanko refusing to read it at all is a failure too
        accepted = False
    else:
        accepted = status.intact and status.valid and status.bottom_line
    assert not accepted
    assert not signing.check_pdf(changed).genuine


def test_check_pdf_reads_what_it_is_given_without_raising(notice):
    data = notice.pdf.open("rb").read()
    assert signing.check_pdf(data).genuine
    assert signing.check_pdf(b"%PDF-1.4 not really").signed is False
    assert signing.check_pdf(b"").signed is False
    assert signing.check_pdf(data[: len(data) // 2]).genuine is False  # cut short


def test_another_authority_is_not_trusted(notice, settings, tmp_path):
    data = notice.pdf.open("rb").read()
    settings.PORTAL_SIGNING_DIR = tmp_path / "another"
    result = signing.check_pdf(data)
    assert result.signed and result.intact and not result.trusted and not result.genuine


def test_a_configured_pkcs12_signs_and_its_roots_are_trusted(settings, tmp_path):
    signing.make_demo_authority(tmp_path / "ministry", b"s3cret")
    settings.PORTAL_SIGNING_DEMO = False
    settings.PORTAL_SIGNING_PKCS12 = str(tmp_path / "ministry" / signing.DEMO_SIGNER)
    settings.PORTAL_SIGNING_PASSPHRASE = "s3cret"
    settings.PORTAL_SIGNING_TRUST_ROOTS = [str(tmp_path / "ministry" / signing.DEMO_ROOT)]
    from weasyprint import HTML

    signed = signing.sign_pdf(HTML(string="<p lang=ko>결정 통지</p>").write_pdf(), reason="테스트")
    assert signing.check_pdf(signed).genuine
    assert not (tmp_path / "signing").exists()  # no demo authority was made


def test_without_a_key_nothing_is_signed_in_production(settings):
    settings.PORTAL_SIGNING_DEMO = False
    with pytest.raises(ImproperlyConfigured):
        signing.sign_pdf(b"%PDF-1.4", reason="x")


def test_the_demo_authority_is_made_once(own_authority):
    signing.signer_name()
    first = (own_authority / signing.DEMO_SIGNER).read_bytes()
    signing.make_demo_authority(own_authority, b"other")  # a second process finishing late keeps the first
    assert (own_authority / signing.DEMO_SIGNER).read_bytes() == first
    assert [p.name for p in own_authority.parent.iterdir()] == ["signing"]  # no scratch folder left


class TestVerifyByFile:
    url = reverse("committee:verify_file")

    def test_the_issued_file_is_genuine_after_the_announcement(self, client, sent):
        with time_machine.travel(AFTER_ANNOUNCEMENT, tick=False):
            response = client.post(self.url, {"pdf": upload(sent.pdf.open("rb").read())}, **EN)
        page = response.content.decode()
        assert response.status_code == 200 and "This file is a genuine decision notice" in page
        assert sent.document_number in page and "Demo signer" in page

    def test_before_the_announcement_the_file_says_nothing_of_the_decision(self, client, sent):
        with time_machine.travel(MEETING_DAY, tick=False):
            response = client.post(self.url, {"pdf": upload(sent.pdf.open("rb").read())}, **EN)
        page = response.content.decode()
        assert response.status_code == 404
        assert sent.document_number not in page and sent.recipient not in page and "Recipient" not in page
        assert "signed by the issuing authority and unchanged, but it is not a published" in page

    def test_a_changed_file_is_not_genuine(self, client, sent):
        with time_machine.travel(AFTER_ANNOUNCEMENT, tick=False):
            response = client.post(self.url, {"pdf": upload(flip(sent.pdf.open("rb").read(), 400))}, **EN)
        page = response.content.decode()
        assert response.status_code == 404 and "changed after it was signed" in page
        assert sent.document_number not in page

    def test_an_unsigned_pdf_is_not_genuine(self, client, sent):
        with time_machine.travel(AFTER_ANNOUNCEMENT, tick=False):
            response = client.post(self.url, {"pdf": upload(b"%PDF-1.4\n%%EOF\n")}, **EN)
        assert response.status_code == 404 and "carries no valid signature" in response.content.decode()

    def test_not_a_pdf_or_too_large_is_refused_with_a_message(self, client, settings):
        response = client.post(self.url, {"pdf": upload(b"GIF89a....", "x.pdf")}, **EN)
        assert response.status_code == 400 and "This file is not a PDF." in response.content.decode()
        settings.PORTAL_VERIFY_MAX_BYTES = 1024 * 1024
        response = client.post(self.url, {"pdf": upload(b"%PDF-" + b"0" * (1024 * 1024))}, **EN)
        assert response.status_code == 400 and "smaller than 1 MB" in response.content.decode()
        response = client.post(self.url, {}, **EN)
        assert response.status_code == 400

    def test_only_post(self, client):
        assert client.get(self.url).status_code == 405


def test_the_code_page_explains_the_announcement_instead_of_calling_a_notice_false(client, notice):
    with time_machine.travel(MEETING_DAY, tick=False):
        response = client.get(reverse("committee:verify", args=[notice.display_code]), **EN)
    page = response.content.decode()
    assert response.status_code == 404 and notice.document_number not in page
    assert "from the announcement of the results on" in page


def test_signing_and_checking_work_inside_a_running_event_loop():
    """pyHanko's sync API calls asyncio.run(); an ASGI server or Playwright's sync API runs a loop already
    (found by the browser test: the notice task kept retrying with 'asyncio.run() cannot be called')."""
    import asyncio

    from weasyprint import HTML

    pdf = HTML(string="<p>통지</p>").write_pdf()

    async def inside():
        signed = signing.sign_pdf(pdf, reason="테스트")
        return signing.check_pdf(signed)

    assert asyncio.run(inside()).genuine


def test_the_room_reserved_for_the_signature_is_pyhankos_own_estimate_made_once(notice):
    """sign_pdf reserves the room pyHanko would estimate for each PDF (a dry-run signature, plus 50%), but
    estimates it once per signer (issue 12): the same room, and the estimate is not made again."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    from committee.documents import notice_context
    from committee.tasks import NOTICE_TEMPLATE
    from core.pdf import render_pdf

    unsigned = render_pdf(NOTICE_TEMPLATE, notice_context(notice), language="ko")
    path, passphrase, _ = signing._authority()
    meta = signers.PdfSignatureMetadata(
        field_name=signing.SIGNATURE_FIELD, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256"
    )
    by_pyhanko = (
        signing._pdf_17_signer()(meta, signer=signing._signer(str(path), path.stat().st_mtime, passphrase))
        .sign_pdf(IncrementalPdfFileWriter(io.BytesIO(unsigned)))
        .getvalue()
    )

    def reserved(data: bytes) -> int:
        (signature,) = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
        return len(signature.sig_object.raw_get("/Contents").original_bytes) * 2

    signing._bytes_reserved.cache_clear()
    ours = [signing.sign_pdf(unsigned, reason="test") for _ in range(3)]
    sizes = {reserved(data) for data in ours}
    assert len(sizes) == 1  # estimated once
    # the same estimate, up to the dry run's own ECDSA signature, whose DER length varies by a byte or two
    assert abs(sizes.pop() - reserved(by_pyhanko)) <= 8
    assert signing._bytes_reserved.cache_info().misses == 1
    assert all(signing.check_pdf(data).genuine for data in ours)


def test_the_signed_attributes_are_pyhankos_own_with_the_signers_part_made_once():
    """The signing-certificate-v2 attribute depends on the signer alone, so core.signing encodes it once per
    signer (issue 12: rebuilding it was most of a signature's CPU time); what is signed is byte for byte the
    signed attributes pyHanko builds itself for a PAdES signature."""
    import asyncio
    import hashlib

    from pyhanko.sign import signers

    path, passphrase, _ = signing._authority()
    ours = signing._signer(str(path), path.stat().st_mtime, passphrase)
    pyhankos = signers.SimpleSigner.load_pkcs12(str(path), passphrase=passphrase)
    assert ours.signed_attr_prov_spec is not None and pyhankos.signed_attr_prov_spec is None
    for document in (b"one notice", b"another notice"):
        digest = hashlib.sha256(document).digest()
        signed = [
            asyncio.run(signer.signed_attrs(digest, "sha256", use_pades=True)).dump() for signer in (ours, pyhankos)
        ]
        assert signed[0] == signed[1]
