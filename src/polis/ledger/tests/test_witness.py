"""tlog-witness: the witness's checks, and a round trip with a witness in a second process."""

import base64

import pytest

from polis.ledger import keys, merkle, note, services, tasks, witness
from polis.ledger.keys import log_verifier
from polis.ledger.models import LedgerCheckpoint
from polis.ledger.note import Signer
from tests.tsa import running_tsa


def _log(n: int):
    signer = Signer.generate("example.org/log")
    tree = merkle.MemoryTree([merkle.leaf_hash(b"%d" % i) for i in range(n)])

    def checkpoint(size):
        text = note.Checkpoint("example.org/log", size, tree.root(size)).text()
        return note.sign_note(text, signer)

    return signer, tree, checkpoint


def _body(old, proof, signed):
    lines = [f"old {old}", *(base64.b64encode(h).decode() for h in proof)]
    return "\n".join(lines) + "\n\n" + signed


def test_witness_cosigns_consistent_checkpoints_and_refuses_the_rest(tmp_path):
    # given a witness that trusts one log
    log, tree, checkpoint = _log(10)
    w = witness.Witness(Signer.generate("witness.example"), [log.verifier], tmp_path / "s.json")
    # when the log submits size 4 from scratch, then 10 with a consistency proof
    status, _content_type, body = w.add_checkpoint(_body(0, [], checkpoint(4)))
    assert status == 200
    assert note.open_note(checkpoint(4) + body, w.verifier) == checkpoint(4).split("\n\n")[0] + "\n"
    proof = merkle.consistency_proof(tree, 4, 10)
    assert w.add_checkpoint(_body(4, proof, checkpoint(10)))[0] == 200
    # then stale, inconsistent, unknown or unsigned submissions are refused per the spec
    assert w.add_checkpoint(_body(4, proof, checkpoint(10)))[:3] == (
        409,
        "text/x.tlog.size",
        "10\n",
    )
    assert w.add_checkpoint(_body(11, [], checkpoint(10)))[0] == 400
    _, _, other_cp = _log(3)
    assert w.add_checkpoint(_body(0, [], other_cp(3)))[0] == 403
    stranger = Signer.generate("unknown.org/log")
    unknown = note.sign_note(note.Checkpoint("unknown.org/log", 1, b"\0" * 32).text(), stranger)
    assert w.add_checkpoint(_body(0, [], unknown))[0] == 404
    forked = merkle.MemoryTree([merkle.leaf_hash(b"fork %d" % i) for i in range(12)])
    fork_cp = note.sign_note(note.Checkpoint("example.org/log", 12, forked.root()).text(), log)
    bad = w.add_checkpoint(_body(10, merkle.consistency_proof(forked, 10, 12), fork_cp))
    assert bad[0] == 422
    assert w.add_checkpoint("garbage")[0] == 400


@pytest.mark.django_db
def test_round_trip_with_a_witness_in_another_process(witness_process, settings, client):
    # given a witness process configured for our log
    verifier, url = witness_process
    settings.LEDGER_WITNESSES = [f"{verifier}={url}"]
    # when two checkpoints are made and submitted
    for i in range(3):
        services.record_event(type="policy.issued", ref=f"W{i}", sha256="a" * 64)
    services.integrate_all()
    assert services.witness_latest() == 1
    for i in range(4):
        services.record_event(type="policy.issued", ref=f"X{i}", sha256="b" * 64)
    services.integrate_all()
    assert services.witness_latest() == 1
    # then the public checkpoint carries the log signature and the witness cosignature
    served = client.get("/registro/checkpoint").content.decode()
    latest = LedgerCheckpoint.objects.first()
    assert served == latest.note + latest.cosignatures
    assert latest.cosignatures.startswith("\u2014 partner.example/witness ")
    text = note.open_note(served, verifier)
    assert note.Checkpoint.parse(text).size == 7
    assert note.open_checkpoint(served, log_verifier()).size == 7


@pytest.fixture
def witness_and_tsa(witness_process, settings):
    verifier, url = witness_process
    settings.LEDGER_WITNESSES = [f"{verifier}={url}"]
    settings.LEDGER_WITNESS_QUORUM = 1
    with running_tsa() as (tsa_url, _certificate):
        settings.LEDGER_TSA_URL = tsa_url
        yield verifier


@pytest.mark.django_db
def test_every_append_path_is_cosigned_and_time_stamped_once(witness_and_tsa, client):
    # given a log with a witness and a TSA
    witness = witness_and_tsa
    # when an event goes through the outbox and the periodic job runs
    services.record_event(type="policy.issued", ref="OUT-1", sha256="a" * 64)
    assert tasks.integrate_pending_entries() == 1
    # then its checkpoint is cosigned and time-stamped
    first = LedgerCheckpoint.objects.get(size=1)
    assert first.cosignatures.startswith(f"\u2014 {witness.name} ")
    assert first.timestamp_token
    # when a bulk producer appends straight to the log and the job finds nothing pending
    services.append_events(events=[{"type": "demo.document", "ref": "BULK-1", "sha256": "b" * 64}])
    assert tasks.integrate_pending_entries() == 0
    # then that checkpoint too is cosigned and time-stamped
    second = LedgerCheckpoint.objects.get(size=2)
    assert note.open_note(second.signed_note, witness)
    assert second.timestamp_token
    # and running the job again adds no second cosignature or token
    tasks.integrate_pending_entries()
    again = LedgerCheckpoint.objects.get(size=2)
    assert again.cosignatures == second.cosignatures
    assert bytes(again.timestamp_token) == bytes(second.timestamp_token)
    # and the witness's key is published with the log's
    assert client.get("/registro/key").content.decode() == f"{log_verifier()}\n{witness}\n"


@pytest.mark.django_db
def test_an_unreachable_witness_leaves_the_checkpoint_to_a_later_run(settings):
    # given a witness that does not answer
    settings.LEDGER_WITNESSES = [f"{Signer.generate('down.example/w').verifier}=http://127.0.0.1:9"]
    services.record_event(type="policy.issued", ref="DOWN-1", sha256="a" * 64)
    # when the job runs, then it does not fail and records no cosignature
    assert tasks.integrate_pending_entries() == 1
    assert LedgerCheckpoint.objects.get().cosignatures == ""


@pytest.mark.django_db
def test_the_development_witness_has_its_own_key_under_var(settings, tmp_path):
    # given the embedded default's witness settings
    settings.VAR_DIR = tmp_path
    settings.LEDGER_DEV_KEY_FILE = tmp_path / "ledger_signing_key"
    settings.LEDGER_DEV_WITNESS_URL = "http://127.0.0.1:8091"
    # when the log lists its witnesses and the witness command loads its key
    ((verifier, url),) = keys.configured_witnesses()
    signer = keys.witness_signer()
    # then both are the same key, a cosignature key distinct from the log's
    assert url == "http://127.0.0.1:8091"
    assert verifier == note.cosignature_verifier(signer)
    assert verifier.name == "polis.local/testimone-sviluppo"
    assert verifier.public != log_verifier().public


@pytest.mark.django_db
def test_the_page_proves_against_the_latest_confirmed_checkpoint(witness_and_tsa, client):
    # given a cosigned and time-stamped checkpoint, then a newer one not yet confirmed
    services.record_event(type="policy.issued", ref="P-1", sha256="a" * 64)
    services.publish_log()
    services.record_event(type="policy.issued", ref="P-2", sha256="b" * 64)
    services.integrate_all()
    # when the first document is looked up
    first = client.get("/registro/verifica/cerca", {"sha256": "a" * 64}).json()
    # then it is proven against the confirmed checkpoint, with its cosignature and token
    assert first["size"] == 1
    assert note.open_note(first["checkpoint"], witness_and_tsa)
    assert first["timestamp_url"] == "/registro/checkpoint/1/timestamp"
    # and the newer document, until it is confirmed, against the latest checkpoint
    second = client.get("/registro/verifica/cerca", {"sha256": "b" * 64}).json()
    assert second["size"] == 2
    assert second["timestamp_url"] == ""
