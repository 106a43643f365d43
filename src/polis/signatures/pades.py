"""PAdES signing with pyHanko: the platform's signing identity, the visible block, the TSA.

Development generates a CA, a signing certificate and a time-stamping authority under VAR_DIR
on first use (never committed; their names say they are for development). Production reads a
PKCS#12 file and asks the configured RFC 3161 TSA. Signatures are PAdES B-LT: time-stamped, with
the chain and the revocation data in the document's DSS, to validate years later offline.
"""

from __future__ import annotations

import datetime
import logging
import time
from functools import cache
from io import BytesIO
from pathlib import Path

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from polis.core.dev_tsa import certificate, dev_timestamper, private_key_info, rsa_key
from polis.core.loops import call_outside_loop

logger = logging.getLogger(__name__)

FIELD_NAME = "FirmaFEA"
# Documents meant for signing reserve one box per signer (signatures/_signature_box.html): an
# element with the id "polis-firma-<n>" of this size in points, which WeasyPrint exports as a
# named destination at its top-left corner. A PDF without it gets the block at the bottom of its
# last page.
SIGNATURE_BOX_SIZE = (340, 85)
FALLBACK_BOX = (45, 32, 550, 100)
SIGNATURE_BYTES = 65536  # CMS with certificate chain and time-stamp token, hex-encoded in the PDF
DEV_CA_NAME = "polis CA di sviluppo (non valida per uso reale)"
DEV_TSA_NAME = "polis TSA di sviluppo (marca temporale non valida per uso reale)"


class TimestampUnavailable(Exception):
    """The configured TSA did not answer after the retries: nothing was signed."""


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "IT"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, settings.MGA_LEGAL_NAME),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _pem(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    path.chmod(0o600)


# Where the development certificates say their CRL is: a reserved, never resolving name (RFC
# 6761 ".invalid"); the CRL itself travels inside each signed PDF.
_DEV_CRL_POINT = x509.CRLDistributionPoints(
    [
        x509.DistributionPoint(
            [x509.UniformResourceIdentifier("http://polis-sviluppo.invalid/ca.crl")],
            None,
            None,
            None,
        )
    ]
)


def _dev_crl(folder: Path) -> bytes:
    """A fresh CRL of the development CA (nothing revoked), DER."""
    ca_key = rsa_key((folder / "ca.key").read_bytes())
    ca_cert = x509.load_pem_x509_certificate((folder / "ca.crt").read_bytes())
    now = datetime.datetime.now(datetime.UTC)
    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca_cert.subject)
        .last_update(now - datetime.timedelta(minutes=1))
        .next_update(now + datetime.timedelta(days=7))
        .sign(ca_key, hashes.SHA256())
    )
    return crl.public_bytes(serialization.Encoding.DER)


def _create_dev_identity(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.UTC)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(_name(DEV_CA_NAME))
        .issuer_name(_name(DEV_CA_NAME))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(f"{settings.MGA_NAME} firma elettronica avanzata (sviluppo)"))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1825))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # non-repudiation
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(_DEV_CRL_POINT, critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tsa_cert = (
        x509.CertificateBuilder()
        .subject_name(_name(DEV_TSA_NAME))
        .issuer_name(ca_cert.subject)
        .public_key(tsa_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1825))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(_DEV_CRL_POINT, critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    private = serialization.PrivateFormat.PKCS8
    _pem(folder / "ca.crt", ca_cert.public_bytes(pem))
    # kept (development only) to issue the CRL embedded in each signed PDF
    _pem(folder / "ca.key", ca_key.private_bytes(pem, private, serialization.NoEncryption()))
    _pem(folder / "signer.crt", cert.public_bytes(pem))
    _pem(folder / "signer.key", key.private_bytes(pem, private, serialization.NoEncryption()))
    _pem(folder / "tsa.crt", tsa_cert.public_bytes(pem))
    _pem(folder / "tsa.key", tsa_key.private_bytes(pem, private, serialization.NoEncryption()))


def _dev_folder() -> Path:
    """The development CA, signer and TSA, created on first use (and again if one is missing,
    e.g. a folder from before the development TSA existed)."""
    folder = dev_identity_folder()
    if not all((folder / name).exists() for name in ("signer.key", "tsa.key", "ca.key")):
        _create_dev_identity(folder)
    return folder


def dev_identity_folder() -> Path:
    return Path(settings.VAR_DIR) / "signing"


def timestamper():
    """The configured RFC 3161 TSA; without one, the development TSA when the certificate is
    the development one too; None (PAdES without time-stamp) only for a real certificate with
    no TSA configured, which docs/DEPLOY.md rules out."""
    if settings.SIGNATURE_TSA_URL:
        return HTTPTimeStamper(settings.SIGNATURE_TSA_URL, timeout=10)
    if is_development_certificate():
        folder = _dev_folder()
        return dev_timestamper((folder / "tsa.key").read_bytes(), (folder / "tsa.crt").read_bytes())
    return None


def timestamp_authority() -> str:
    """Who time-stamps, for the signer's page and the evidence report."""
    if settings.SIGNATURE_TSA_URL:
        return settings.SIGNATURE_TSA_URL
    return DEV_TSA_NAME if is_development_certificate() else ""


def is_development_certificate() -> bool:
    return not settings.SIGNATURE_P12_FILE


def signing_identity() -> signers.SimpleSigner:
    """The platform's signer: the configured PKCS#12, or the development one under VAR_DIR."""
    if settings.SIGNATURE_P12_FILE:
        return _pkcs12_signer(settings.SIGNATURE_P12_FILE, settings.SIGNATURE_P12_PASSWORD)
    folder = _dev_folder()
    return _dev_signer(
        (folder / "signer.key").read_bytes(),
        (folder / "signer.crt").read_bytes(),
        (folder / "ca.crt").read_bytes(),
    )


@cache
def _pkcs12_signer(path: str, password: str) -> signers.SimpleSigner:
    signer = signers.SimpleSigner.load_pkcs12(path, passphrase=password.encode() or None)
    if signer is None:
        raise RuntimeError("the signing certificate could not be loaded")
    return signer


class _DevSigner(signers.SimpleSigner):
    """The development signer (RSA, PKCS#1 v1.5), keeping its loaded key: SimpleSigner loads,
    and so checks, its key again for every signature."""

    def __init__(
        self, *, key: rsa.RSAPrivateKey, cert: asn1_x509.Certificate, ca: asn1_x509.Certificate
    ):
        super().__init__(
            signing_cert=cert,
            signing_key=private_key_info(key),
            cert_registry=SimpleCertificateStore.from_certs([ca]),
        )
        self._loaded_key = key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        return self._loaded_key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))


@cache
def _dev_signer(key_pem: bytes, cert_pem: bytes, ca_pem: bytes) -> signers.SimpleSigner:
    """The development signer, built once per key and certificates (a test may make its own)."""
    return _DevSigner(key=rsa_key(key_pem), cert=certificate(cert_pem), ca=certificate(ca_pem))


def _tsa_roots() -> list[asn1_x509.Certificate]:
    """The configured TSA's root certificates (SIGNATURE_TSA_ROOTS, PEM), to validate and
    embed its chain."""
    if not settings.SIGNATURE_TSA_ROOTS:
        return []
    data = Path(settings.SIGNATURE_TSA_ROOTS).read_bytes()
    return [asn1_x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]


def _validation_context(signer: signers.SimpleSigner) -> ValidationContext:
    """What goes into the DSS: the signer's chain up to its self-signed root and the TSA's, with
    the revocation data fetched from the certificates' own CRL and OCSP addresses."""
    roots = [cert for cert in signer.cert_registry if cert.self_signed] + _tsa_roots()
    development = is_development_certificate()
    return ValidationContext(
        trust_roots=roots or None,
        other_certs=list(signer.cert_registry),
        crls=[_dev_crl(_dev_folder())] if development else None,
        allow_fetching=not development,
    )


def reserved_box(content: bytes, signer_index: int = 1) -> tuple[int, tuple] | None:
    """(page index, box) of the signature box the document reserves for signer n, if any."""
    reader = PdfFileReader(BytesIO(content))
    try:
        names = reader.root["/Names"]["/Dests"]["/Names"]
    except KeyError:
        return None
    wanted = f"polis-firma-{signer_index}"
    for position in range(0, len(names) - 1, 2):
        if str(names[position]) != wanted:
            continue
        destination = names[position + 1]
        page = destination.raw_get(0).reference
        left, top = float(destination[2]), float(destination[3])
        width, height = SIGNATURE_BOX_SIZE
        for index in range(int(reader.root["/Pages"]["/Count"])):
            if reader.find_page_for_modification(index)[0].reference == page:
                return index, (left, top - height, left + width, top)
    return None


def _sign_once(content: bytes, *, stamp_text: str, reason: str, timestamper) -> bytes:
    # pyHanko's synchronous API starts its own event loop: not inside a running one
    return call_outside_loop(
        _sign_here, content, stamp_text=stamp_text, reason=reason, timestamper=timestamper
    )


def _sign_here(content: bytes, *, stamp_text: str, reason: str, timestamper) -> bytes:
    page, box = reserved_box(content) or (-1, FALLBACK_BOX)
    writer = IncrementalPdfFileWriter(BytesIO(content))
    signer = signing_identity()
    pdf_signer = signers.PdfSigner(
        signers.PdfSignatureMetadata(
            field_name=FIELD_NAME,
            subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256",
            reason=reason,
            location="Italia",
            # chain and revocation data in the DSS, then a document time-stamp over it: B-LTA
            # (the time-stamp shows in any validator, pdfsig included, as its own signature)
            embed_validation_info=True,
            use_pades_lta=timestamper is not None,
            validation_context=_validation_context(signer),
        ),
        signer=signer,
        timestamper=timestamper,
        stamp_style=TextStampStyle(
            stamp_text=stamp_text.replace("%", "%%"),
            text_box_style=TextBoxStyle(font_size=7),
            border_width=1,
        ),
        new_field_spec=fields.SigFieldSpec(FIELD_NAME, on_page=page, box=box),
    )
    # A fixed reservation spares pyHanko a trial signature (and a trial TSA request) to size it.
    return pdf_signer.sign_pdf(writer, bytes_reserved=SIGNATURE_BYTES).getvalue()


def sign_pdf(content: bytes, *, stamp_text: str, reason: str) -> tuple[bytes, bool]:
    """Sign `content` PAdES B-LT (see `timestamper`); (signed bytes, timestamped).

    A TSA that fails is retried; if it keeps failing, TimestampUnavailable is raised rather than
    signing without the time-stamp.
    """
    tsa = timestamper()
    if tsa is None:
        return _sign_once(content, stamp_text=stamp_text, reason=reason, timestamper=None), False
    attempts = settings.SIGNATURE_TSA_ATTEMPTS
    for attempt in range(1, attempts + 1):
        try:
            signed = _sign_once(content, stamp_text=stamp_text, reason=reason, timestamper=tsa)
            return signed, True
        except (TimestampRequestError, OSError) as exc:
            logger.warning("TSA attempt %s of %s failed: %s", attempt, attempts, exc)
            if attempt < attempts:
                time.sleep(0.2 * 2**attempt)
    raise TimestampUnavailable
