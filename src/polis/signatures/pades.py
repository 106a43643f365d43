"""PAdES signing with pyHanko: the platform's signing identity, the visible block, the TSA.

Development generates a CA and a signing certificate under VAR_DIR on first use (never
committed; their names say they are for development). Production reads a PKCS#12 file.
"""

from __future__ import annotations

import datetime
import logging
import time
from functools import cache
from io import BytesIO
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.stamp import TextStampStyle

logger = logging.getLogger(__name__)

FIELD_NAME = "FirmaFEA"
# Bottom of the last page, above the page footer: documents meant for signing keep a bottom
# margin of at least 38 mm (see practices/contract.html).
SIGNATURE_BOX = (45, 32, 550, 100)
SIGNATURE_BYTES = 32768  # CMS with certificate chain and time-stamp token, hex-encoded in the PDF
DEV_CA_NAME = "polis CA di sviluppo (non valida per uso reale)"


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
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    _pem(folder / "ca.crt", ca_cert.public_bytes(pem))
    _pem(folder / "signer.crt", cert.public_bytes(pem))
    _pem(
        folder / "signer.key",
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
    )


def dev_identity_folder() -> Path:
    return Path(settings.VAR_DIR) / "signing"


def is_development_certificate() -> bool:
    return not settings.SIGNATURE_P12_FILE


@cache
def signing_identity() -> signers.SimpleSigner:
    """The platform's signer: the configured PKCS#12, or the development one under VAR_DIR."""
    if settings.SIGNATURE_P12_FILE:
        signer = signers.SimpleSigner.load_pkcs12(
            settings.SIGNATURE_P12_FILE,
            passphrase=settings.SIGNATURE_P12_PASSWORD.encode() or None,
        )
    else:
        folder = dev_identity_folder()
        if not (folder / "signer.key").exists():
            _create_dev_identity(folder)
        signer = signers.SimpleSigner.load(
            str(folder / "signer.key"),
            str(folder / "signer.crt"),
            ca_chain_files=(str(folder / "ca.crt"),),
        )
    if signer is None:
        raise RuntimeError("the signing certificate could not be loaded")
    return signer


def _sign_once(content: bytes, *, stamp_text: str, reason: str, timestamper) -> bytes:
    writer = IncrementalPdfFileWriter(BytesIO(content))
    pdf_signer = signers.PdfSigner(
        signers.PdfSignatureMetadata(
            field_name=FIELD_NAME,
            subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256",
            reason=reason,
            location="Italia",
        ),
        signer=signing_identity(),
        timestamper=timestamper,
        stamp_style=TextStampStyle(
            stamp_text=stamp_text.replace("%", "%%"),
            text_box_style=TextBoxStyle(font_size=7),
            border_width=1,
        ),
        new_field_spec=fields.SigFieldSpec(FIELD_NAME, on_page=-1, box=SIGNATURE_BOX),
    )
    # A fixed reservation spares pyHanko a trial signature (and a trial TSA request) to size it.
    return pdf_signer.sign_pdf(writer, bytes_reserved=SIGNATURE_BYTES).getvalue()


def sign_pdf(content: bytes, *, stamp_text: str, reason: str) -> tuple[bytes, bool]:
    """Sign `content` PAdES B-B, or B-T when SIGNATURE_TSA_URL is set; (signed bytes, timestamped).

    A configured TSA that fails is retried; if it keeps failing, TimestampUnavailable is raised
    rather than signing without the time-stamp the configuration promised.
    """
    if not settings.SIGNATURE_TSA_URL:
        return _sign_once(content, stamp_text=stamp_text, reason=reason, timestamper=None), False
    timestamper = HTTPTimeStamper(settings.SIGNATURE_TSA_URL, timeout=10)
    attempts = settings.SIGNATURE_TSA_ATTEMPTS
    for attempt in range(1, attempts + 1):
        try:
            signed = _sign_once(
                content, stamp_text=stamp_text, reason=reason, timestamper=timestamper
            )
            return signed, True
        except (TimestampRequestError, OSError) as exc:
            logger.warning("TSA attempt %s of %s failed: %s", attempt, attempts, exc)
            if attempt < attempts:
                time.sleep(0.2 * 2**attempt)
    raise TimestampUnavailable
