"""The offline verifier: a console command without Django checks bundles and checkpoints."""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from polis.ledger import selectors, services
from polis.ledger.models import LedgerCheckpoint, LedgerEntry

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 polizza firmata"


OFFLINE = Path(settings.BASE_DIR) / "src" / "polis" / "ledger" / "offline.py"
# Run the verifier as a plain script in a fresh interpreter where importing Django or Celery
# fails: it proves the offline verifier needs neither (only `cryptography`).
BLOCKER = """
import runpy, sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('django', 'celery'):
            raise ImportError('blocked: ' + name)
sys.meta_path.insert(0, Block())
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name='__main__')
"""


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", BLOCKER, str(OFFLINE), *args],
        capture_output=True,
        text=True,
        env={"PATH": os.environ["PATH"]},
        check=False,
        cwd="/",
    )


@pytest.fixture
def bundle_file(tmp_path, ledger_key):
    services.record_event(type="policy.issued", ref="A1", sha256="a" * 64)
    entry = services.record_event(
        type="contract.signed", ref="C-9", sha256=hashlib.sha256(PDF).hexdigest()
    )
    services.record_event(type="claim.opened", ref="S2", sha256="b" * 64)
    services.integrate_all()
    entry.refresh_from_db()
    path = tmp_path / "polizza.tlog-proof"
    path.write_text(selectors.proof_bundle_for(entry).text())
    return path


def test_offline_verifier_accepts_a_genuine_bundle(bundle_file, tmp_path, ledger_key):
    pdf = tmp_path / "polizza.pdf"
    pdf.write_bytes(PDF)
    result = _run(
        "verify-proof", str(bundle_file), "--key", str(ledger_key.verifier), "--file", str(pdf)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        "OK: entry 1 of polis.local/registro (signed tree of 3)"
    )
    assert "type contract.signed, ref C-9" in result.stdout


def test_offline_verifier_refuses_another_document_a_forged_entry_or_another_key(
    bundle_file, ledger_key
):
    key = str(ledger_key.verifier)
    other = _run("verify-proof", str(bundle_file), "--key", key, "--sha256", "c" * 64)
    assert other.returncode == 1
    assert other.stderr == "FAILED: the entry registers a different document hash\n"
    text = bundle_file.read_text()
    lines = text.split("\n")
    import base64

    entry = base64.b64decode(lines[1][6:]).replace(b"C-9", b"C-8")
    lines[1] = "extra " + base64.b64encode(entry).decode()
    bundle_file.write_text("\n".join(lines))
    forged = _run("verify-proof", str(bundle_file), "--key", key)
    assert forged.returncode == 1
    assert forged.stderr == "FAILED: the inclusion proof does not lead to the signed root\n"
    from polis.ledger.note import Signer

    stranger = str(Signer.generate("polis.local/registro").verifier)
    bundle_file.write_text(text)
    wrong_key = _run("verify-proof", str(bundle_file), "--key", stranger)
    assert wrong_key.returncode == 1
    assert "no valid signature by polis.local/registro" in wrong_key.stderr


def test_offline_consistency_between_two_checkpoints(client, tmp_path, ledger_key):
    # given two checkpoints of a growing log
    for i in range(3):
        services.record_event(type="policy.issued", ref=f"P{i}", sha256="a" * 64)
    services.integrate_all()
    old = tmp_path / "old.checkpoint"
    old.write_text(client.get("/registro/checkpoint").content.decode())
    for i in range(4):
        services.record_event(type="policy.issued", ref=f"Q{i}", sha256="b" * 64)
    services.integrate_all()
    new = tmp_path / "new.checkpoint"
    new.write_text(client.get("/registro/checkpoint").content.decode())
    proof = tmp_path / "proof.json"
    proof.write_text(client.get("/registro/proof/consistency?from=3&to=7").content.decode())
    key = str(ledger_key.verifier)
    # when / then
    ok = _run("consistency", str(old), str(new), str(proof), "--key", key)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout == "OK: the tree of size 7 extends the tree of size 3\n"
    # and a log that rewrote history is caught
    LedgerEntry.objects.filter(index=1).update(data="{}")
    answer = json.loads(proof.read_text())
    answer["proof"][0] = answer["proof"][1]
    proof.write_text(json.dumps(answer))
    bad = _run("consistency", str(old), str(new), str(proof), "--key", key)
    assert bad.returncode == 1
    assert "NOT consistent" in bad.stderr
    assert LedgerCheckpoint.objects.count() == 2


def test_offline_verifier_also_runs_as_a_module(bundle_file, ledger_key):
    env = {**os.environ, "PYTHONPATH": str(Path(settings.BASE_DIR) / "src")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    args = ["verify-proof", str(bundle_file), "--key", str(ledger_key.verifier)]
    out = subprocess.run(
        [sys.executable, "-m", "polis.ledger.offline", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("OK: entry 1 of polis.local/registro")
