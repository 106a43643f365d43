"""C2SP tlog-proof@v1 bundles: format, parse and verify (no Django)."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

from polis.ledger import merkle, note

HEADER = "c2sp.org/tlog-proof@v1"


@dataclass(frozen=True)
class ProofBundle:
    index: int
    proof: tuple[bytes, ...]
    checkpoint: str  # the signed note, with cosignatures
    extra: bytes | None = None  # here: the canonical JSON entry

    def text(self) -> str:
        lines = [HEADER]
        if self.extra is not None:
            lines.append("extra " + base64.b64encode(self.extra).decode())
        lines.append(f"index {self.index}")
        lines.extend(base64.b64encode(h).decode() for h in self.proof)
        return "\n".join(lines) + "\n\n" + self.checkpoint

    @classmethod
    def parse(cls, text: str) -> ProofBundle:
        head, sep, checkpoint = text.partition("\n\n")
        lines = head.split("\n")
        if not sep or lines[0] != HEADER:
            raise note.NoteError("not a c2sp.org/tlog-proof@v1 bundle")
        extra = None
        rest = lines[1:]
        try:
            if rest and rest[0].startswith("extra "):
                extra = base64.b64decode(rest.pop(0)[6:], validate=True)
            if not rest or not rest[0].startswith("index "):
                raise note.NoteError("missing index line")
            index_text = rest.pop(0)[6:]
            if not index_text.isdigit() or (index_text != "0" and index_text.startswith("0")):
                raise note.NoteError("index must be a decimal without leading zeros")
            proof = tuple(base64.b64decode(line, validate=True) for line in rest)
        except binascii.Error as exc:
            raise note.NoteError("bad base64 in proof bundle") from exc
        if any(len(h) != merkle.HASH_SIZE for h in proof):
            raise note.NoteError("proof hashes must be 32 bytes")
        return cls(int(index_text), proof, checkpoint, extra)


@dataclass(frozen=True)
class VerifiedEntry:
    index: int
    size: int
    entry: dict
    checkpoint: note.Checkpoint


def verify_bundle(
    text: str, verifier: note.Verifier, *, origin: str | None = None, sha256: str | None = None
) -> VerifiedEntry:
    """Check a bundle: checkpoint signed by `verifier`, entry included at its index.

    With `sha256`, also check that the entry registers that document hash.
    Raises note.NoteError explaining the first failure.
    """
    bundle = ProofBundle.parse(text)
    checkpoint = note.open_checkpoint(bundle.checkpoint, verifier, origin or verifier.name)
    if bundle.extra is None:
        raise note.NoteError("the bundle carries no entry in its extra line")
    leaf = merkle.leaf_hash(bundle.extra)
    if not merkle.verify_inclusion(
        bundle.index, checkpoint.size, leaf, list(bundle.proof), checkpoint.root
    ):
        raise note.NoteError("the inclusion proof does not lead to the signed root")
    try:
        entry = json.loads(bundle.extra)
    except ValueError as exc:
        raise note.NoteError("the entry is not JSON") from exc
    if sha256 is not None and entry.get("sha256") != sha256.lower():
        raise note.NoteError("the entry registers a different document hash")
    return VerifiedEntry(bundle.index, checkpoint.size, entry, checkpoint)


def verify_checkpoints(
    old: str, new: str, proof: list[bytes], verifier: note.Verifier
) -> tuple[note.Checkpoint, note.Checkpoint]:
    """Both checkpoints signed by `verifier`, and the new tree extends the old one."""
    first = note.open_checkpoint(old, verifier, verifier.name)
    second = note.open_checkpoint(new, verifier, verifier.name)
    if first.size > second.size:
        raise note.NoteError("the first checkpoint is larger than the second")
    if first.size == 0:
        return first, second
    if not merkle.verify_consistency(first.size, second.size, proof, first.root, second.root):
        raise note.NoteError(
            f"the tree of size {second.size} is NOT consistent with the tree of size {first.size}"
        )
    return first, second
