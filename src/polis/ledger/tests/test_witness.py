"""tlog-witness: the witness's checks, and a round trip with a witness in a second process."""

import base64

import pytest

from polis.ledger import merkle, note, services, witness
from polis.ledger.keys import log_verifier
from polis.ledger.models import LedgerCheckpoint
from polis.ledger.note import Signer


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
