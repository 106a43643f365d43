"""Offline verifier for the polis public ledger. No Django, no network.

    python -m polis.ledger.offline verify-proof FILE.tlog-proof --key KEY [--sha256 HEX|--file F]
    python -m polis.ledger.offline consistency OLD_CHECKPOINT NEW_CHECKPOINT PROOF.json --key KEY

It also runs as a plain script, `python offline.py ...` beside merkle.py, note.py and
proofbundle.py (copy those four files anywhere): then not even the `polis` package (which loads
Celery) is imported; only the `cryptography` library is needed.

KEY is the verifier key string published at /registro/key (or a file containing it). PROOF.json is
the answer of /registro/proof/consistency?from=<old size>&to=<new size>.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
from pathlib import Path

if not __package__:  # run as a script: load the sibling modules without the polis package
    import types

    for name in ("polis", "polis.ledger"):
        package = types.ModuleType(name)
        package.__path__ = [str(Path(__file__).resolve().parent)] if name == "polis.ledger" else []
        sys.modules.setdefault(name, package)

from polis.ledger import note
from polis.ledger.proofbundle import verify_bundle, verify_checkpoints


def _key(value: str) -> note.Verifier:
    path = Path(value)
    text = path.read_text() if "+" not in value and path.exists() else value
    return note.Verifier.parse(text.strip())


def _verify_proof(args) -> str:
    sha256 = args.sha256
    if args.file:
        sha256 = hashlib.sha256(Path(args.file).read_bytes()).hexdigest()
    result = verify_bundle(Path(args.bundle).read_text(), _key(args.key), sha256=sha256)
    entry = result.entry
    return (
        f"OK: entry {result.index} of {result.checkpoint.origin} (signed tree of {result.size})\n"
        f"type {entry.get('type')}, ref {entry.get('ref')}, time {entry.get('time')}\n"
        f"document SHA-256 {entry.get('sha256')}"
    )


def _consistency(args) -> str:
    answer = json.loads(Path(args.proof).read_text())
    proof = [base64.b64decode(h, validate=True) for h in answer.get("proof", [])]
    first, second = verify_checkpoints(
        Path(args.old).read_text(), Path(args.new).read_text(), proof, _key(args.key)
    )
    return f"OK: the tree of size {second.size} extends the tree of size {first.size}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m polis.ledger.offline", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    proof = sub.add_parser("verify-proof", help="check a .tlog-proof bundle")
    proof.add_argument("bundle")
    proof.add_argument("--key", required=True)
    which = proof.add_mutually_exclusive_group()
    which.add_argument("--sha256", help="the document's SHA-256 (hex)")
    which.add_argument("--file", help="the document itself")
    cons = sub.add_parser("consistency", help="check that a new checkpoint extends an old one")
    cons.add_argument("old")
    cons.add_argument("new")
    cons.add_argument("proof")
    cons.add_argument("--key", required=True)
    args = parser.parse_args(argv)
    try:
        output = _verify_proof(args) if args.command == "verify-proof" else _consistency(args)
    except (note.NoteError, ValueError, OSError) as exc:
        sys.stderr.write(f"FAILED: {exc}\n")
        return 1
    sys.stdout.write(output + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
