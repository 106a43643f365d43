"""The offline verifier, as the register serves it (one file): without Django it checks bundles,
cosignatures, time-stamps and checkpoints, and it runs in a virtualenv holding only
`cryptography`."""

import base64
import hashlib
import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from django.conf import settings

from conftest import skip_or_fail
from polis.ledger import selectors, services
from polis.ledger.models import LedgerCheckpoint, LedgerEntry
from polis.ledger.note import Signer
from tests.tsa import running_tsa

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 polizza firmata"

# Run the verifier in a fresh interpreter where importing Django, Celery or polis fails: it
# proves the served file needs none of them (only `cryptography`).
BLOCKER = """
import runpy, sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('django', 'celery', 'asn1crypto', 'pyhanko'):
            raise ImportError('blocked: ' + name)
sys.meta_path.insert(0, Block())
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name='__main__')
"""


@pytest.fixture
def verifier(client, tmp_path) -> Path:
    """The one-file verifier, downloaded from the register."""
    response = client.get("/registro/polis_verifica.py")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="polis_verifica.py"'
    path = tmp_path / "polis_verifica.py"
    path.write_bytes(response.content)
    return path


def _run(script: Path, *args: str, python: str | None = None) -> subprocess.CompletedProcess:
    """The verifier under the project's interpreter with the imports blocked, or `python`."""
    command = [python, str(script)] if python else [sys.executable, "-c", BLOCKER, str(script)]
    return subprocess.run(
        [*command, *args],
        capture_output=True,
        text=True,
        env={"PATH": os.environ["PATH"]},
        check=False,
        cwd="/",
    )


def _register() -> LedgerEntry:
    services.record_event(type="policy.issued", ref="A1", sha256="a" * 64)
    entry = services.record_event(
        type="contract.signed", ref="C-9", sha256=hashlib.sha256(PDF).hexdigest()
    )
    services.record_event(type="claim.opened", ref="S2", sha256="b" * 64)
    return entry


@pytest.fixture
def bundle_file(tmp_path, ledger_key):
    entry = _register()
    services.integrate_all()
    entry.refresh_from_db()
    path = tmp_path / "polizza.tlog-proof"
    path.write_text(selectors.proof_bundle_for(entry).text())
    return path


def test_offline_verifier_accepts_a_genuine_bundle(verifier, bundle_file, tmp_path, ledger_key):
    pdf = tmp_path / "polizza.pdf"
    pdf.write_bytes(PDF)
    entry = LedgerEntry.objects.get(ref="C-9")
    result = _run(
        verifier,
        "verify-proof",
        str(bundle_file),
        "--key",
        str(ledger_key.verifier),
        "--file",
        str(pdf),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "OK: documento registrato nel registro polis.local/registro al tempo "
        f"{entry.time:%Y-%m-%dT%H:%M:%SZ} (voce 1 di 3)",
        f"evento contract.signed, riferimento C-9, SHA-256 {hashlib.sha256(PDF).hexdigest()}",
        f"firmato con la chiave {ledger_key.verifier}",
        "cofirmato da nessun testimone",
    ]


def test_offline_verifier_refuses_another_document_a_forged_entry_or_another_key(
    verifier, bundle_file, ledger_key
):
    key = str(ledger_key.verifier)
    other = _run(verifier, "verify-proof", str(bundle_file), "--key", key, "--sha256", "c" * 64)
    assert other.returncode == 1
    assert other.stderr == "NON VERIFICATO: the entry registers a different document hash\n"
    text = bundle_file.read_text()
    lines = text.split("\n")
    entry = base64.b64decode(lines[1][6:]).replace(b"C-9", b"C-8")
    lines[1] = "extra " + base64.b64encode(entry).decode()
    bundle_file.write_text("\n".join(lines))
    forged = _run(verifier, "verify-proof", str(bundle_file), "--key", key)
    assert forged.returncode == 1
    assert forged.stderr == "NON VERIFICATO: the inclusion proof does not lead to the signed root\n"
    stranger = str(Signer.generate("polis.local/registro").verifier)
    bundle_file.write_text(text)
    wrong_key = _run(verifier, "verify-proof", str(bundle_file), "--key", stranger)
    assert wrong_key.returncode == 1
    assert "no valid signature by polis.local/registro" in wrong_key.stderr


def test_offline_consistency_between_two_checkpoints(verifier, client, tmp_path, ledger_key):
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
    ok = _run(verifier, "consistency", str(old), str(new), str(proof), "--key", key)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout == "OK: l'albero di 7 voci estende quello di 3 voci\n"
    # and a log that rewrote history is caught
    LedgerEntry.objects.filter(index=1).update(data="{}")
    answer = json.loads(proof.read_text())
    answer["proof"][0] = answer["proof"][1]
    proof.write_text(json.dumps(answer))
    bad = _run(verifier, "consistency", str(old), str(new), str(proof), "--key", key)
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
    assert out.stdout.startswith("OK: documento registrato nel registro polis.local/registro")


@pytest.fixture
def cosigned_and_stamped(witness_process, settings, client, tmp_path):
    """A document registered in a log with a witness process and a TSA: the files a reader
    downloads (proof, /registro/key, the checkpoint's token)."""
    witness, url = witness_process
    settings.LEDGER_WITNESSES = [f"{witness}={url}"]
    settings.LEDGER_WITNESS_QUORUM = 1
    with running_tsa() as (tsa_url, _certificate):
        settings.LEDGER_TSA_URL = tsa_url
        _register()
        services.publish_log()
    digest = hashlib.sha256(PDF).hexdigest()
    files = {
        "proof": client.get("/registro/verifica/prova", {"sha256": digest}).content,
        "key": client.get("/registro/key").content,
        "token": client.get(
            client.get("/registro/verifica/cerca", {"sha256": digest}).json()["timestamp_url"]
        ).content,
        "pdf": PDF,
    }
    paths = {}
    for name, content in files.items():
        paths[name] = tmp_path / name
        paths[name].write_bytes(content)
    return witness, paths


def test_offline_verifier_checks_the_cosignature_and_the_time_stamp(verifier, cosigned_and_stamped):
    witness, files = cosigned_and_stamped
    args = ["verify-proof", str(files["proof"]), "--key", str(files["key"])]
    # when the reader checks the proof with the published keys and the checkpoint's token
    ok = _run(verifier, *args, "--file", str(files["pdf"]), "--timestamp", str(files["token"]))
    # then it is registered, signed, cosigned by the witness and time-stamped
    assert ok.returncode == 0, ok.stderr
    lines = ok.stdout.splitlines()
    assert lines[3] == f"cofirmato da {witness.name}"
    assert lines[4].startswith("marca temporale RFC 3161 del ")
    assert "di «polis test TSA»" in lines[4]
    assert lines[4].endswith(": copre questo checkpoint")
    # and a proof without the witness's cosignature is refused
    text = files["proof"].read_text()
    files["proof"].write_text(text[: text.index(f"\u2014 {witness.name} ")])
    uncosigned = _run(verifier, *args)
    assert uncosigned.returncode == 1
    assert uncosigned.stderr == "NON VERIFICATO: cofirmato da 0 testimoni, ne sono richiesti 1\n"
    # and a token of another checkpoint (or another file) is refused
    files["proof"].write_text(text)
    token = files["token"].read_bytes()
    # the last byte is the signature's: flipped, never left as it was
    files["token"].write_bytes(token[:-1] + bytes([token[-1] ^ 0x01]))
    bad_token = _run(verifier, *args, "--timestamp", str(files["token"]))
    assert bad_token.returncode == 1
    assert bad_token.stderr.startswith("NON VERIFICATO: ")


@pytest.mark.venv
def test_the_served_verifier_runs_in_a_fresh_virtualenv_with_only_cryptography(
    verifier, cosigned_and_stamped, tmp_path
):
    # given a new virtualenv with nothing of the project, and `cryptography` from the index
    witness, files = cosigned_and_stamped
    env_dir = tmp_path / "fresh-venv"
    venv.create(env_dir, with_pip=True, system_site_packages=False)
    python = str(env_dir / "bin" / "python")
    install = subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "cryptography"],
        capture_output=True,
        text=True,
        check=False,
    )
    if install.returncode != 0:
        skip_or_fail(f"pip could not install cryptography: {install.stderr[-500:]}")
    listed = subprocess.run(
        [python, "-m", "pip", "list", "--format=freeze"], capture_output=True, text=True, check=True
    ).stdout
    assert "Django" not in listed
    # when the downloaded verifier checks the downloaded proof, keys and token there
    args = ["verify-proof", str(files["proof"]), "--key", str(files["key"])]
    args += ["--file", str(files["pdf"]), "--timestamp", str(files["token"])]
    result = _run(verifier, *args, python=python)
    # then it says registered, signed, cosigned and time-stamped
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK: documento registrato nel registro polis.local/registro")
    assert f"cofirmato da {witness.name}\n" in result.stdout
    assert "marca temporale RFC 3161 del " in result.stdout
