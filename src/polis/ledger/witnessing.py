"""The log side of tlog-witness: submit checkpoints, keep the cosignatures."""

from __future__ import annotations

import base64
import logging
import urllib.error
import urllib.request

from django.db import transaction

from polis.ledger import note, selectors
from polis.ledger.keys import configured_witnesses
from polis.ledger.models import LedgerCheckpoint, LedgerWitness

logger = logging.getLogger(__name__)


def _post(url: str, body: str) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body.encode(), method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - http(s) only
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()
    except OSError as exc:  # unreachable: tried again with the next checkpoint or job run
        return 0, str(exc)


def _request_body(old: int, checkpoint: LedgerCheckpoint) -> str:
    proof = selectors.consistency_proof(old, checkpoint.size) if 0 < old else []
    lines = [f"old {old}", *(base64.b64encode(h).decode() for h in proof)]
    return "\n".join(lines) + "\n\n" + checkpoint.note


def submit_checkpoint(checkpoint: LedgerCheckpoint) -> int:
    """Ask every configured witness that has not cosigned it yet; store the valid cosignatures.
    Returns how many were added."""
    text, _ = note.split_note(checkpoint.note)
    added = 0
    for verifier, url in configured_witnesses():
        if f"{note.SIG_PREFIX}{verifier.name} " in checkpoint.cosignatures:
            continue  # already cosigned by this witness
        state, _ = LedgerWitness.objects.get_or_create(url=url, defaults={"name": verifier.name})
        old = min(state.size, checkpoint.size)
        status, body = _post(f"{url}/add-checkpoint", _request_body(old, checkpoint))
        if status == 409 and body.strip().isdigit() and int(body) <= checkpoint.size:
            old = int(body)
            status, body = _post(f"{url}/add-checkpoint", _request_body(old, checkpoint))
        if status != 200:
            logger.warning("witness %s refused checkpoint %s: %s", url, checkpoint.size, status)
            continue
        lines = [line + "\n" for line in body.splitlines() if line]
        try:
            note.open_note(checkpoint.note + "".join(lines), verifier)
        except note.NoteError:
            logger.warning("witness %s returned no valid cosignature", url)
            continue
        mine = [
            line
            for line in lines
            if line.startswith(f"{note.SIG_PREFIX}{verifier.name} ")
            and note.open_note(text + "\n" + line, verifier)
        ]
        with transaction.atomic():
            cp = LedgerCheckpoint.objects.select_for_update().get(pk=checkpoint.pk)
            cp.cosignatures += "".join(mine)
            cp.save(update_fields=["cosignatures"])
            state.size = checkpoint.size
            state.save(update_fields=["size"])
        checkpoint.cosignatures = cp.cosignatures
        added += len(mine)
    return added
