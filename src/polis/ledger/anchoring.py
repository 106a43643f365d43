"""RFC 3161 anchoring: a TSA time-stamps each signed checkpoint; the token is stored and shown."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from datetime import datetime

from asn1crypto import cms, tsp
from django.conf import settings
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError

from polis.ledger.models import LedgerCheckpoint

logger = logging.getLogger(__name__)


def anchor_checkpoint(checkpoint: LedgerCheckpoint) -> bool:
    """Ask LEDGER_TSA_URL to time-stamp SHA-256(signed checkpoint note); store the token."""
    if not settings.LEDGER_TSA_URL or checkpoint.timestamp_token:
        return False
    digest = hashlib.sha256(checkpoint.note.encode()).digest()
    stamper = HTTPTimeStamper(settings.LEDGER_TSA_URL, timeout=10)
    try:
        token = asyncio.run(stamper.async_timestamp(digest, "sha256"))
    except (TimestampRequestError, OSError) as exc:
        logger.warning("RFC 3161 anchoring of checkpoint %s failed: %s", checkpoint.size, exc)
        return False
    checkpoint.timestamp_token = token.dump()
    checkpoint.save(update_fields=["timestamp_token"])
    return True


def token_info(token: bytes) -> tuple[datetime, bytes]:
    """(genTime, hashed message) of a stored RFC 3161 token, for display (not a validation)."""
    info = cms.ContentInfo.load(token)["content"]["encap_content_info"]["content"].parsed
    if not isinstance(info, tsp.TSTInfo):
        raise ValueError("not an RFC 3161 time-stamp token")
    return info["gen_time"].native, info["message_imprint"]["hashed_message"].native


def anchor_latest() -> bool:
    latest = LedgerCheckpoint.objects.first()
    return anchor_checkpoint(latest) if latest is not None else False
