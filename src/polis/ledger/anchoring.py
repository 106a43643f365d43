"""RFC 3161 anchoring: a TSA time-stamps each signed checkpoint; the token is stored and published.

Production names a TSA (LEDGER_TSA_URL). The embedded default (DEBUG) time-stamps with a
development TSA in process, whose certificate, generated under VAR_DIR, says it is for
development: its tokens show the mechanism and prove nothing about time to anyone else.
"""

from __future__ import annotations

import asyncio
import datetime
import hashlib
import logging

from asn1crypto import cms, tsp
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError

from polis.core.dev_tsa import DevTimeStamper, dev_timestamper
from polis.core.loops import call_outside_loop
from polis.ledger.models import LedgerCheckpoint

logger = logging.getLogger(__name__)

DEV_TSA_NAME = "polis TSA di sviluppo (senza valore legale)"


def _create_dev_tsa(key_path, cert_path) -> None:
    key = rsa.generate_private_key(
        public_exponent=65537, key_size=2048
    )  # pyHanko's dummy TSA signs RSA only
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, DEV_TSA_NAME)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.DER))


def _dev_tsa() -> DevTimeStamper:
    folder = settings.VAR_DIR / "ledger_tsa"
    folder.mkdir(exist_ok=True)
    key_path, cert_path = folder / "key.der", folder / "cert.der"
    if not cert_path.exists():
        _create_dev_tsa(key_path, cert_path)
    return dev_timestamper(key_path.read_bytes(), cert_path.read_bytes())


def timestamper() -> TimeStamper | None:
    """The configured TSA, the development one, or None (anchoring off)."""
    if settings.LEDGER_TSA_URL:
        return HTTPTimeStamper(settings.LEDGER_TSA_URL, timeout=10)
    return _dev_tsa() if settings.LEDGER_DEV_TSA else None


def anchor_checkpoint(checkpoint: LedgerCheckpoint) -> bool:
    """Time-stamp SHA-256(signed checkpoint note, without cosignatures); store the token."""
    stamper = timestamper()
    if stamper is None or checkpoint.timestamp_token:
        return False
    digest = hashlib.sha256(checkpoint.note.encode()).digest()
    try:
        token = call_outside_loop(asyncio.run, stamper.async_timestamp(digest, "sha256"))
    except (TimestampRequestError, OSError) as exc:
        logger.warning("RFC 3161 anchoring of checkpoint %s failed: %s", checkpoint.size, exc)
        return False
    checkpoint.timestamp_token = token.dump()
    checkpoint.save(update_fields=["timestamp_token"])
    return True


def token_info(token: bytes) -> tuple[datetime.datetime, bytes]:
    """(genTime, hashed message) of a stored RFC 3161 token, for display (not a validation)."""
    info = cms.ContentInfo.load(token)["content"]["encap_content_info"]["content"].parsed
    if not isinstance(info, tsp.TSTInfo):
        raise ValueError("not an RFC 3161 time-stamp token")
    return info["gen_time"].native, info["message_imprint"]["hashed_message"].native


def anchor_latest() -> bool:
    latest = LedgerCheckpoint.objects.first()
    return anchor_checkpoint(latest) if latest is not None else False
