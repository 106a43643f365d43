"""Offline verifier for the polis public ledger. No Django, no network: Python and `cryptography`.

    python polis_verifica.py verify-proof DOC.tlog-proof --key KEY --file DOC.pdf [--timestamp T]
    python polis_verifica.py consistency OLD_CHECKPOINT NEW_CHECKPOINT PROOF.json --key KEY

The register serves it as one file at /registro/polis_verifica.py (standalone_source() below:
merkle.py, note.py, proofbundle.py, rfc3161.py and this module). In the project it also runs as
`python -m polis.ledger.offline`.

KEY is the text served at /registro/key (or a file holding it): the log's verifier key, then one
line per witness. DOC.tlog-proof is the proof downloaded from "Verifica documento"; T the RFC 3161
token of its checkpoint (/registro/checkpoint/<size>/timestamp). PROOF.json is the answer of
/registro/proof/consistency?from=<old size>&to=<new size>.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
from pathlib import Path

from polis.ledger import note
from polis.ledger.proofbundle import ProofBundle, verify_bundle, verify_checkpoints
from polis.ledger.rfc3161 import TimestampError, verify_token

# The modules of the one-file verifier, in import order.
STANDALONE_MODULES = ("merkle", "note", "proofbundle", "rfc3161", "offline")


def _keys(value: str) -> tuple[note.Verifier, list[note.Verifier]]:
    """The log's key and the witnesses' keys, from /registro/key's text or a file holding it."""
    path = Path(value)
    text = path.read_text() if "+" not in value and path.exists() else value
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise note.NoteError("no verifier key given")
    return note.Verifier.parse(lines[0]), [note.Verifier.parse(line) for line in lines[1:]]


def _log_note(signed: str, log: note.Verifier) -> str:
    """The checkpoint as the log signed it, without cosignatures: what the TSA time-stamped."""
    text, signatures = note.split_note(signed)
    mine = next(s for s in signatures if s.name == log.name and s.key_id == log.key_id)
    return text + "\n" + mine.line()


def _verify_proof(args) -> str:
    sha256 = args.sha256
    if args.file:
        sha256 = hashlib.sha256(Path(args.file).read_bytes()).hexdigest()
    log, witnesses = _keys(args.key)
    text = Path(args.bundle).read_text()
    result = verify_bundle(text, log, sha256=sha256)
    cosigners = [w.name for w in witnesses if _cosigned(ProofBundle.parse(text).checkpoint, w)]
    quorum = len(witnesses) if args.quorum is None else args.quorum
    if len(cosigners) < quorum:
        raise note.NoteError(f"cofirmato da {len(cosigners)} testimoni, ne sono richiesti {quorum}")
    entry = result.entry
    lines = [
        f"OK: documento registrato nel registro {result.checkpoint.origin} al tempo "
        f"{entry.get('time')} (voce {result.index} di {result.size})",
        f"evento {entry.get('type')}, riferimento {entry.get('ref')}, "
        f"SHA-256 {entry.get('sha256')}",
        f"firmato con la chiave {log}",
        "cofirmato da " + (", ".join(cosigners) if cosigners else "nessun testimone"),
    ]
    if args.timestamp:
        digest = hashlib.sha256(_log_note(ProofBundle.parse(text).checkpoint, log).encode())
        stamp = verify_token(Path(args.timestamp).read_bytes(), digest.digest())
        lines.append(
            f"marca temporale RFC 3161 del {stamp.time:%Y-%m-%dT%H:%M:%SZ} di «{stamp.tsa}» "
            f"(certificato SHA-256 {stamp.fingerprint}): copre questo checkpoint"
        )
    return "\n".join(lines)


def _cosigned(signed: str, witness: note.Verifier) -> bool:
    try:
        note.open_note(signed, witness)
    except note.NoteError:
        return False
    return True


def _consistency(args) -> str:
    answer = json.loads(Path(args.proof).read_text())
    proof = [base64.b64decode(h, validate=True) for h in answer.get("proof", [])]
    log, _witnesses = _keys(args.key)
    first, second = verify_checkpoints(
        Path(args.old).read_text(), Path(args.new).read_text(), proof, log
    )
    return f"OK: l'albero di {second.size} voci estende quello di {first.size} voci"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="polis_verifica.py", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    proof = sub.add_parser("verify-proof", help="check a .tlog-proof bundle")
    proof.add_argument("bundle")
    proof.add_argument("--key", required=True, help="the text of /registro/key, or its file")
    which = proof.add_mutually_exclusive_group()
    which.add_argument("--sha256", help="the document's SHA-256 (hex)")
    which.add_argument("--file", help="the document itself")
    proof.add_argument("--timestamp", help="the checkpoint's RFC 3161 token")
    proof.add_argument(
        "--quorum", type=int, help="cosignatures required (default: every witness key given)"
    )
    cons = sub.add_parser("consistency", help="check that a new checkpoint extends an old one")
    cons.add_argument("old")
    cons.add_argument("new")
    cons.add_argument("proof")
    cons.add_argument("--key", required=True)
    args = parser.parse_args(argv)
    try:
        output = _verify_proof(args) if args.command == "verify-proof" else _consistency(args)
    except (note.NoteError, TimestampError, ValueError, OSError) as exc:
        sys.stderr.write(f"NON VERIFICATO: {exc}\n")
        return 1
    sys.stdout.write(output + "\n")
    return 0


_LOADER = """
def _install():
    import sys, types
    for name in ("polis", "polis.ledger"):
        package = types.ModuleType(name)
        package.__path__ = []
        sys.modules[name] = package
    for name, source in _SOURCES:
        module = types.ModuleType("polis.ledger." + name)
        module.__package__ = "polis.ledger"
        sys.modules[module.__name__] = module
        setattr(sys.modules["polis.ledger"], name, module)
        exec(compile(source, "polis/ledger/" + name + ".py", "exec"), module.__dict__)
    return sys.modules["polis.ledger.offline"]


if __name__ == "__main__":
    raise SystemExit(_install().main())
"""


def standalone_source() -> str:
    """This verifier as one Python file: the sources of its modules, loaded as modules."""
    folder = Path(__file__).resolve().parent
    sources = [(name, (folder / f"{name}.py").read_text()) for name in STANDALONE_MODULES]
    return (
        "#!/usr/bin/env python3\n"
        '"""polis: offline verifier of the public register (one file; Python 3.11+ and the\n'
        '`cryptography` package). Run it with --help. Generated from polis.ledger."""\n\n'
        f"_SOURCES = {sources!r}\n" + _LOADER
    )


if __name__ == "__main__":
    sys.exit(main())
