import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from polis.ledger import keys, note
from polis.ledger.note import Signer

TEST_SIGNER = Signer.generate("polis.local/registro")


@pytest.fixture(autouse=True)
def ledger_key(settings):
    """Our own log key; no witness and no time-stamps unless a test configures them."""
    settings.LEDGER_ORIGIN = "polis.local/registro"
    settings.LEDGER_SIGNING_KEY = str(TEST_SIGNER)
    settings.LEDGER_DEV_WITNESS_URL = ""
    settings.LEDGER_WITNESS_QUORUM = 0
    settings.LEDGER_DEV_TSA = False
    settings.LEDGER_TSA_URL = ""
    keys.log_signer.cache_clear()
    yield TEST_SIGNER
    keys.log_signer.cache_clear()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def witness_process(tmp_path, ledger_key):
    """`manage.py ledger witness` in a process of its own, with its own key and state file."""
    key = Signer.generate("partner.example/witness")
    port = _free_port()
    env = {**os.environ, "LEDGER_WITNESS_KEY": str(key), "LEDGER_SIGNING_KEY": str(ledger_key)}
    proc = subprocess.Popen(
        [
            sys.executable,
            str(Path(django_settings.BASE_DIR) / "manage.py"),
            "ledger",
            "witness",
            "--listen",
            f"127.0.0.1:{port}",
            "--state",
            str(tmp_path / "witness.json"),
            "--log-key",
            str(ledger_key.verifier),
        ],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout.readline().strip() == f"witness {note.cosignature_verifier(key)}"
        for _ in range(50):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield note.cosignature_verifier(key), f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
