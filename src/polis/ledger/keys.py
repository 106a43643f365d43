"""The log's signing key (LEDGER_SIGNING_KEY in production, a file under VAR_DIR in development),
and the keys of the witnesses whose cosignatures the public pages require."""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from polis.ledger.note import Signer, Verifier, cosignature_verifier

DEV_WITNESS_NAME = "polis.local/testimone-sviluppo"


def _key_file(path: Path, name: str) -> Signer:
    """The signer stored in `path`, generated there (private to this user) the first time."""
    if not path.exists():
        path.write_text(str(Signer.generate(name)) + "\n")
        path.chmod(0o600)
    return Signer.parse(path.read_text())


@functools.cache
def log_signer() -> Signer:
    origin = settings.LEDGER_ORIGIN
    if settings.LEDGER_SIGNING_KEY:
        signer = Signer.parse(settings.LEDGER_SIGNING_KEY)
    elif key_file := settings.LEDGER_DEV_KEY_FILE:
        signer = _key_file(key_file, origin)
    else:
        raise ImproperlyConfigured("LEDGER_SIGNING_KEY must be set when DEBUG is off.")
    if signer.name != origin:
        raise ImproperlyConfigured(f"The ledger key is named {signer.name!r}, not {origin!r}.")
    return signer


def log_verifier() -> Verifier:
    return log_signer().verifier


def witness_signer() -> Signer:
    """The key of `manage.py ledger witness`: LEDGER_WITNESS_KEY, or with DEBUG the embedded
    default's development witness key, under VAR_DIR (not the log's key: another identity)."""
    if key := os.environ.get("LEDGER_WITNESS_KEY"):
        return Signer.parse(key)
    if settings.LEDGER_DEV_KEY_FILE is None:
        raise ImproperlyConfigured("LEDGER_WITNESS_KEY must be set when DEBUG is off.")
    return _key_file(settings.VAR_DIR / "ledger_witness_key", DEV_WITNESS_NAME)


def dev_witness_verifier() -> Verifier:
    """The cosignature key of the embedded default's witness (only its public half is used)."""
    return cosignature_verifier(
        _key_file(settings.VAR_DIR / "ledger_witness_key", DEV_WITNESS_NAME)
    )


def configured_witnesses() -> list[tuple[Verifier, str]]:
    """(cosignature key, submission URL prefix) of each witness: LEDGER_WITNESSES, comma-separated
    `<witness verifier key>=<URL prefix>`, then the development witness if any."""
    witnesses = []
    for item in settings.LEDGER_WITNESSES:
        key, _, url = item.partition("=")
        if not url.startswith(("http://", "https://")):
            raise ImproperlyConfigured(f"LEDGER_WITNESSES: {url!r} is not an http(s) URL")
        witnesses.append((Verifier.parse(key), url.rstrip("/")))
    if settings.LEDGER_DEV_WITNESS_URL:
        witnesses.append((dev_witness_verifier(), settings.LEDGER_DEV_WITNESS_URL.rstrip("/")))
    return witnesses


def witness_verifiers() -> list[Verifier]:
    """The cosignature keys of the configured witnesses, as the public pages pin them."""
    return [verifier for verifier, _url in configured_witnesses()]


def fingerprint(verifier: Verifier) -> str:
    """SHA-256 of the raw public key, in groups of four hex digits, to compare by eye."""
    digest = hashlib.sha256(verifier.public).hexdigest()
    return " ".join(digest[i : i + 4] for i in range(0, len(digest), 4))


def pinned_keys() -> dict:
    """What the "Verifica documento" page pins in its HTML: the log's origin and key, the
    witnesses' keys and how many cosignatures it requires. The browser trusts these, never the
    lookup's answer."""
    log = log_verifier()
    return {
        "origin": settings.LEDGER_ORIGIN,
        "log": {"key": str(log), "fingerprint": fingerprint(log)},
        "witnesses": [
            {"key": str(v), "name": v.name, "fingerprint": fingerprint(v)}
            for v in witness_verifiers()
        ],
        "quorum": settings.LEDGER_WITNESS_QUORUM,
    }
