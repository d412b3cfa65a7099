"""PDF signatures (PAdES, with pyHanko): the portal signs what it issues, and checks a PDF someone holds.

Who signs is configuration, not code:

- production loads the issuing authority's key and certificate from a PKCS#12 file
  (``PORTAL_SIGNING_PKCS12`` and ``PORTAL_SIGNING_PASSPHRASE``) and trusts the roots in
  ``PORTAL_SIGNING_TRUST_ROOTS`` (PEM or DER files: the authority's CA, e.g. the government PKI root);
- without that, and only where ``PORTAL_SIGNING_DEMO`` is on (the default while DEBUG is on), a test
  authority is made once under ``PORTAL_SIGNING_DIR``: a root "CA" and a signing certificate whose names say
  they are a demonstration. A PDF reader shows who signed and that the file is unchanged; it calls the
  signer untrusted unless the demo root is imported, which is what a demonstration should look like.

With neither, signing refuses (ImproperlyConfigured): a production portal never issues an unsigned notice
by accident. ``check_pdf`` is bounded by the caller (the upload limit) and never raises on a hostile file.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import hashlib
import io
import logging
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

log = logging.getLogger(__name__)

SIGNATURE_FIELD = "IssuerSignature"
DEMO_ROOT = "demo-root.pem"
DEMO_SIGNER = "demo-signer.p12"
DEMO_VALIDITY = datetime.timedelta(days=3650)
# The demo runs on any date, and tests travel in time to the call's own dates: its certificates are valid
# from long before any call (validation uses the current time, and a certificate "not yet valid" fails).
DEMO_VALID_FROM = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)


@dataclasses.dataclass(frozen=True)
class SignatureCheck:
    """What a PDF's signature says. `genuine` only when it is intact, covers the whole file, and chains to a
    root the portal trusts."""

    signed: bool
    intact: bool = False
    trusted: bool = False
    whole_file: bool = False
    signer: str = ""
    signed_at: datetime.datetime | None = None

    @property
    def genuine(self) -> bool:
        return self.signed and self.intact and self.trusted and self.whole_file


def _outside_any_event_loop(function, *args, **kwargs):
    """pyHanko's synchronous API runs its own event loop (asyncio.run), which fails in a thread that already
    runs one (an ASGI server, or Playwright's sync API in the browser tests). There it runs in a short-lived
    thread of its own; elsewhere (gunicorn's sync workers, Celery's prefork pool) directly."""
    import asyncio
    import concurrent.futures

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def _demo_enabled() -> bool:
    return bool(getattr(settings, "PORTAL_SIGNING_DEMO", settings.DEBUG))


def _demo_dir() -> Path:
    return Path(getattr(settings, "PORTAL_SIGNING_DIR", Path(settings.VAR_DIR) / "signing"))


def _demo_passphrase() -> bytes:
    # The demo key is not a secret worth more than the SECRET_KEY next to it; derived so no file holds it.
    return hashlib.sha256(b"portal-demo-signer:" + settings.SECRET_KEY.encode()).hexdigest().encode()


def _name(common_name: str):
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "KR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "산업통상부 (시연용 DEMO)"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def make_demo_authority(directory: Path, passphrase: bytes) -> None:
    """Write a test root certificate and a signer's PKCS#12 into `directory` (which must not exist yet: the
    files appear together, by renaming a finished temporary folder, so two processes never see half)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs12

    now = datetime.datetime.now(datetime.UTC)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root_name = _name("특화단지 지정 포털 시연용 인증기관 (Demo CA)")
    usage = dict(key_encipherment=False, data_encipherment=False, key_agreement=False)
    usage.update(encipher_only=False, decipher_only=False)
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(DEMO_VALID_FROM)
        .not_valid_after(now + DEMO_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False, content_commitment=False, key_cert_sign=True, crl_sign=True, **usage
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("산업통상부 특화단지 결정 통지 서명 (Demo signer)"))
        .issuer_name(root_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(DEMO_VALID_FROM)
        .not_valid_after(now + DEMO_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_cert_sign=False, crl_sign=False, **usage
            ),
            critical=True,
        )
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    bundle = pkcs12.serialize_key_and_certificates(
        b"notice-signer", key, cert, [root], serialization.BestAvailableEncryption(passphrase)
    )
    directory.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".signing-", dir=directory.parent))
    (scratch / DEMO_ROOT).write_bytes(root.public_bytes(serialization.Encoding.PEM))
    (scratch / DEMO_SIGNER).write_bytes(bundle)
    os.chmod(scratch / DEMO_SIGNER, 0o600)
    try:
        os.rename(scratch, directory)
    except OSError:  # another process finished first: keep theirs
        for child in scratch.iterdir():
            child.unlink()
        scratch.rmdir()


def _authority() -> tuple[Path, bytes, list[Path]]:
    """(PKCS#12 file, its passphrase, trust roots) from settings, or the demo authority where allowed."""
    configured = getattr(settings, "PORTAL_SIGNING_PKCS12", "")
    if configured:
        passphrase = getattr(settings, "PORTAL_SIGNING_PASSPHRASE", "").encode()
        roots = [Path(p) for p in getattr(settings, "PORTAL_SIGNING_TRUST_ROOTS", [])]
        return Path(configured), passphrase, roots
    if not _demo_enabled():
        raise ImproperlyConfigured(
            "PORTAL_SIGNING_PKCS12 is not set: decision notices cannot be signed. Set it (and "
            "PORTAL_SIGNING_PASSPHRASE, PORTAL_SIGNING_TRUST_ROOTS), or PORTAL_SIGNING_DEMO=1 for a test authority."
        )
    directory = _demo_dir()
    if not (directory / DEMO_SIGNER).exists():
        make_demo_authority(directory, _demo_passphrase())
    return directory / DEMO_SIGNER, _demo_passphrase(), [directory / DEMO_ROOT]


@functools.lru_cache(maxsize=4)
def _signer(path: str, mtime: float, passphrase: bytes):
    from pyhanko.sign import signers

    signer = signers.SimpleSigner.load_pkcs12(path, passphrase=passphrase or None)
    if signer is None:
        raise ImproperlyConfigured(f"The signing key in {path} could not be read (wrong passphrase?).")
    signer.signed_attr_prov_spec = _pades_signed_attributes(signer.signing_cert)
    return signer


def _pades_signed_attributes(signing_cert):
    """The signed attributes pyHanko gives a PAdES signature, with the one that depends on the signer alone made
    once per signer instead of once per PDF (issue 12).

    For PAdES, pyHanko signs three attributes: content-type and message-digest (which it adds itself) and
    signing-certificate-v2, which binds the signature to the signer's certificate (ESSCertIDv2: the
    certificate's SHA-256 and its issuer and serial number; ETSI EN 319 122-1). That last one is the same for
    every notice, and building it anew (asn1crypto copying and re-encoding the issuer's name) was four fifths of a
    signature's CPU time. Here it is encoded once, by pyHanko's own function, and each signature reads those bytes
    back: the signed attributes are byte for byte what pyHanko makes (a test compares them). PAdES forbids the
    signing-time attribute (the time is the signature dictionary's /M), and the portal uses no CAdES extras, so
    nothing else is left out."""
    from asn1crypto import tsp
    from pyhanko.sign import attributes
    from pyhanko.sign.general import as_signing_certificate_v2

    encoded = as_signing_certificate_v2(signing_cert).dump()

    class SigningCertificateV2(attributes.CMSAttributeProvider):
        attribute_type = "signing_certificate_v2"

        async def build_attr_value(self, dry_run=False):
            return tsp.SigningCertificateV2.load(encoded)

    class PadesSignedAttributes(attributes.SignedAttributeProviderSpec):
        def signed_attr_providers(self, data_digest, digest_algorithm):
            yield SigningCertificateV2()

    return PadesSignedAttributes()


def _load_certificate(path: Path):
    from asn1crypto import pem, x509

    data = path.read_bytes()
    if pem.detect(data):
        _, _, data = pem.unarmor(data)
    return x509.Certificate.load(data)


def sign_pdf(data: bytes, *, reason: str, location: str = "") -> bytes:
    """The PDF with the issuing authority's PAdES signature over the whole file (an incremental update)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    path, passphrase, _ = _authority()
    signer = _signer(str(path), path.stat().st_mtime, passphrase)
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location or None,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    pdf_signer = _pdf_17_signer()(meta, signer=signer)
    reserved = _bytes_reserved(str(path), path.stat().st_mtime, passphrase)
    return _outside_any_event_loop(pdf_signer.sign_pdf, writer, bytes_reserved=reserved).getvalue()


@functools.lru_cache(maxsize=4)
def _bytes_reserved(path: str, mtime: float, passphrase: bytes) -> int:
    """The room reserved in the PDF for the signature: pyHanko's own estimate (a dry-run CMS signature over a
    dummy digest, plus 50%), made once per signer instead of once per PDF, where it cost a third of signing
    (issue 12). It depends only on the key, its certificates and the signed attributes, which are the same for
    every notice: no timestamp server, no embedded revocation information (if either is ever added, the
    estimate must be made per signature again, as pyHanko does)."""
    import asyncio

    from cryptography.hazmat.primitives import hashes
    from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

    signer = _signer(path, mtime, passphrase)
    digest = hashes.Hash(hashes.SHA256()).finalize()
    attributes = PdfCMSSignedAttributes(signing_time=datetime.datetime.now(datetime.UTC))

    def dry_run():
        return asyncio.run(
            signer.async_sign(digest, "sha256", dry_run=True, use_pades=True, signed_attr_settings=attributes)
        )

    size = len(_outside_any_event_loop(dry_run).dump()) * 2  # embedded as a hexadecimal string
    return size + 2 * (size // 4)


@functools.cache
def _pdf_17_signer():
    """pyHanko's PdfSigner, except that an ECDSA signature over a SHA-2 digest keeps a PDF 1.7 file 1.7.

    What we sign is PDF/UA-1, which is built on PDF 1.7 (ISO 32000-1). pyHanko declares the ISO 32002
    extension for ECDSA on a NIST curve (the demo authority's P-256 key, and many real ones), and that
    extension only exists for PDF 2.0: its incremental update writes /Version /2.0 into the catalog, so the
    signed notice claims a version PDF/UA-1 does not allow. A PAdES signature in PDF 1.7 is declared by the
    ESIC extension (ETSI EN 319 142-1), whose algorithms (ETSI TS 119 312) include ECDSA: that is what this
    declares, and all it declares, for ECDSA as for RSA. EdDSA and SHA-3 exist only for PDF 2.0 (ISO 32002,
    32001): with such a key pyHanko's own choice stands."""
    from pyhanko.sign.fields import SigSeedSubFilter
    from pyhanko.sign.signers import PdfSigner, constants

    class Pdf17Signer(PdfSigner):
        def register_extensions(self, pdf_out, *, md_algorithm):
            try:
                algorithm = self.signer.get_signature_mechanism_for_digest(md_algorithm).signature_algo
            except Exception:  # noqa: BLE001 - pyHanko then decides, as it would have
                algorithm = None
            if (
                algorithm == "ecdsa"
                and md_algorithm in ("sha256", "sha384", "sha512")
                and self.signature_meta.subfilter == SigSeedSubFilter.PADES
                and pdf_out.security_handler is None
            ):
                pdf_out.ensure_output_version(version=(1, 7))
                pdf_out.register_extension(constants.ESIC_EXTENSION_1)
                return
            super().register_extensions(pdf_out, md_algorithm=md_algorithm)

    return Pdf17Signer


def signer_name() -> str:
    """Who signs, as a PDF reader would show it (for pages that explain the signature)."""
    path, passphrase, _ = _authority()
    signer = _signer(str(path), path.stat().st_mtime, passphrase)
    return signer.signing_cert.subject.human_friendly


def check_pdf(data: bytes) -> SignatureCheck:
    """Validate the portal's signature in `data` against the trusted roots. Never raises on bad input."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = [s for s in reader.embedded_signatures if s.field_name == SIGNATURE_FIELD]
    except Exception:  # not a PDF, or one pyHanko cannot read: unsigned as far as anyone can tell
        log.info("check_pdf: unreadable PDF", exc_info=True)
        return SignatureCheck(signed=False)
    if not signatures:
        return SignatureCheck(signed=False)
    try:
        roots = [_load_certificate(p) for p in _authority()[2]]
        status = _outside_any_event_loop(validate_pdf_signature, signatures[0], ValidationContext(trust_roots=roots))
    except Exception:
        log.info("check_pdf: the signature could not be validated", exc_info=True)
        return SignatureCheck(signed=True)
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    return SignatureCheck(
        signed=True,
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        signer=status.signing_cert.subject.human_friendly if status.signing_cert else "",
        signed_at=status.signer_reported_dt,
    )


def check_configuration(app_configs=None, **kwargs):
    """System check (deploy): a production portal must be able to sign before it issues anything."""
    from django.core.checks import Error

    try:
        path, passphrase, roots = _authority()
        if getattr(settings, "PORTAL_SIGNING_PKCS12", ""):
            _signer(str(path), path.stat().st_mtime, passphrase)
            missing = [str(root) for root in roots if not Path(root).is_file()]
            if not roots or missing:
                raise ImproperlyConfigured(
                    f"PORTAL_SIGNING_TRUST_ROOTS must name the CA certificate file(s); missing: {missing or 'none set'}"
                )
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="portal.E001")]
    except OSError as exc:
        return [Error(f"The signing key cannot be read: {exc}", id="portal.E001")]
    return []
