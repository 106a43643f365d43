"""A C2SP tlog-witness: verifies a log's checkpoints and consistency, returns cosignatures.

No Django: `manage.py ledger witness` wraps `serve()`. State (latest cosigned checkpoint per
origin) is a JSON file, updated atomically under a lock before answering.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from polis.ledger import merkle, note

MAX_PROOF_LINES = 63


class Witness:
    def __init__(self, signer: note.Signer, logs: list[note.Verifier], state_file: Path) -> None:
        self.signer = signer
        self.logs = {v.name: v for v in logs}
        self.state_file = Path(state_file)
        self._lock = threading.Lock()

    @property
    def verifier(self) -> note.Verifier:
        return note.cosignature_verifier(self.signer)

    def _state(self) -> dict:
        if not self.state_file.exists():
            return {}
        return json.loads(self.state_file.read_text())

    def _save(self, state: dict) -> None:
        tmp = self.state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(state))
        os.replace(tmp, self.state_file)

    def add_checkpoint(self, body: str) -> tuple[int, str, str]:
        """(status, content type, body) for POST /add-checkpoint."""
        head, sep, signed = body.partition("\n\n")
        lines = head.split("\n")
        if not sep or not lines[0].startswith("old "):
            return 400, "text/plain", "malformed request\n"
        old_text = lines[0][4:]
        if not old_text.isdigit() or (old_text != "0" and old_text.startswith("0")):
            return 400, "text/plain", "malformed old size\n"
        if len(lines) - 1 > MAX_PROOF_LINES:
            return 400, "text/plain", "too many proof lines\n"
        try:
            proof = [base64.b64decode(line, validate=True) for line in lines[1:]]
            text, _ = note.split_note(signed)
            checkpoint = note.Checkpoint.parse(text)
        except (binascii.Error, note.NoteError):
            return 400, "text/plain", "malformed checkpoint\n"
        log = self.logs.get(checkpoint.origin)
        if log is None:
            return 404, "text/plain", "unknown log\n"
        try:
            note.open_note(signed, log)
        except note.NoteError:
            return 403, "text/plain", "no valid log signature\n"
        old = int(old_text)
        if old > checkpoint.size:
            return 400, "text/plain", "old size larger than checkpoint\n"
        with self._lock:
            state = self._state()
            known = state.get(checkpoint.origin, {"size": 0, "root": ""})
            if old != known["size"]:
                return 409, "text/x.tlog.size", f"{known['size']}\n"
            known_root = base64.b64decode(known["root"]) if known["root"] else b""
            if old == checkpoint.size and old and known_root != checkpoint.root:
                return 409, "text/x.tlog.size", f"{known['size']}\n"
            if old == 0 and proof:
                return 422, "text/plain", "proof must be empty from size 0\n"
            if 0 < old < checkpoint.size and not merkle.verify_consistency(
                old, checkpoint.size, proof, known_root, checkpoint.root
            ):
                return 422, "text/plain", "consistency proof does not verify\n"
            state[checkpoint.origin] = {
                "size": checkpoint.size,
                "root": base64.b64encode(checkpoint.root).decode(),
            }
            self._save(state)
        return 200, "text/plain", note.cosign(text, self.signer, int(time.time()))


def make_server(witness: Witness, host: str, port: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            if self.path.rstrip("/") != "/add-checkpoint":
                self._reply(404, "text/plain", "not found\n")
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(min(length, 1 << 16)).decode("utf-8", "replace")
            self._reply(*witness.add_checkpoint(body))

        def _reply(self, status: int, content_type: str, body: str) -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format, *args):
            return

    return ThreadingHTTPServer((host, port), Handler)
