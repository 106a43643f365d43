"""The log's signing key: LEDGER_SIGNING_KEY in production, a file under VAR_DIR in development."""

from __future__ import annotations

import functools

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from polis.ledger.note import Signer, Verifier


@functools.cache
def log_signer() -> Signer:
    origin = settings.LEDGER_ORIGIN
    if settings.LEDGER_SIGNING_KEY:
        signer = Signer.parse(settings.LEDGER_SIGNING_KEY)
    elif key_file := settings.LEDGER_DEV_KEY_FILE:
        if not key_file.exists():
            key_file.write_text(str(Signer.generate(origin)) + "\n")
            key_file.chmod(0o600)
        signer = Signer.parse(key_file.read_text())
    else:
        raise ImproperlyConfigured("LEDGER_SIGNING_KEY must be set when DEBUG is off.")
    if signer.name != origin:
        raise ImproperlyConfigured(f"The ledger key is named {signer.name!r}, not {origin!r}.")
    return signer


def log_verifier() -> Verifier:
    return log_signer().verifier
