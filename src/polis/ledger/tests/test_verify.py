"""Tamper tests: `ledger verify` detects edits, deletions, insertions and reorderings."""

import hashlib
import json

import pytest
from django.core.management import CommandError, call_command

from polis.ledger import merkle, services
from polis.ledger.models import LedgerCheckpoint, LedgerEntry, LedgerTile
from polis.notify.models import OutboundMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def log():
    for i in range(300):
        digest = hashlib.sha256(b"doc %d" % i).hexdigest()
        services.record_event(type="policy.issued", ref=f"P-{i}", sha256=digest)
        if i in (10, 150):
            services.integrate_all()
    services.integrate_all()
    return LedgerEntry.objects.order_by("index")


def _verify() -> str:
    with pytest.raises(CommandError) as excinfo:
        call_command("ledger", "verify")
    return str(excinfo.value)


def test_an_intact_log_verifies(log, capsys):
    call_command("ledger", "verify")
    assert capsys.readouterr().out == "Registro integro: 300 voci, 3 checkpoint verificati.\n"


def test_an_edited_entry_is_detected(log, capsys):
    # given an entry whose document hash is replaced in the database
    entry = LedgerEntry.objects.get(index=42)
    data = json.loads(entry.data)
    data["sha256"] = "0" * 64
    LedgerEntry.objects.filter(pk=entry.pk).update(
        sha256="0" * 64, data=json.dumps(data, sort_keys=True, separators=(",", ":"))
    )
    # when / then
    assert _verify() == "Registro NON integro: 5 problemi."
    err = capsys.readouterr().err
    assert "Voce 42: il contenuto non corrisponde al suo hash di foglia" in err
    assert "Checkpoint 300: la radice firmata non corrisponde" in err


def test_an_edit_with_a_recomputed_leaf_hash_is_still_detected(log, capsys):
    entry = LedgerEntry.objects.get(index=5)
    forged = entry.data.replace("P-5", "P-X")
    LedgerEntry.objects.filter(pk=entry.pk).update(
        ref="P-X", data=forged, leaf_hash=merkle.leaf_hash(forged.encode()).hex()
    )
    _verify()
    err = capsys.readouterr().err
    assert "Tile 0/0: foglia 5 diverso dal ricalcolo" in err
    assert "Checkpoint 11: la radice firmata non corrisponde" in err


def test_a_deleted_entry_is_detected(log, capsys):
    LedgerEntry.objects.filter(index=299).delete()
    _verify()
    err = capsys.readouterr().err
    assert "Checkpoint 300: firma un albero più grande delle 299 voci presenti" in err


def test_a_deleted_entry_in_the_middle_is_detected(log, capsys):
    LedgerEntry.objects.filter(index=7).delete()
    _verify()
    assert "Indici mancanti da 7 a 7" in capsys.readouterr().err


def test_an_inserted_entry_is_detected(log, capsys):
    entry = services.record_event(type="claim.opened", ref="FAKE", sha256="1" * 64)
    LedgerEntry.objects.filter(pk=entry.pk).update(index=300)
    _verify()
    assert "Ci sono 1 voci oltre l'ultimo checkpoint firmato (300)" in capsys.readouterr().err


def test_reordered_entries_are_detected(log, capsys):
    a, b = LedgerEntry.objects.get(index=3), LedgerEntry.objects.get(index=4)
    LedgerEntry.objects.filter(pk=a.pk).update(index=-1)
    LedgerEntry.objects.filter(pk=b.pk).update(index=3)
    LedgerEntry.objects.filter(pk=a.pk).update(index=4)
    _verify()
    err = capsys.readouterr().err
    assert "Tile 0/0: foglia 3 diverso dal ricalcolo" in err
    assert "Checkpoint 11: la radice firmata non corrisponde" in err


def test_a_forged_checkpoint_signature_is_detected(log, capsys):
    cp = LedgerCheckpoint.objects.get(size=151)
    LedgerCheckpoint.objects.filter(pk=cp.pk).update(note=cp.note.replace("151", "150", 1))
    _verify()
    assert "Checkpoint 151: firma o formato non validi" in capsys.readouterr().err


def test_a_rewritten_tile_is_detected(log, capsys):
    LedgerTile.objects.filter(level=1, index=0).update(hashes=b"\x00" * 32)
    _verify()
    assert "Tile 1/0: nodo 8/0 diverso dal ricalcolo" in capsys.readouterr().err


def test_the_daily_job_emails_administrators_only_on_failure(log, admin_user, operator):
    from polis.ledger.tasks import verify_ledger

    # given an intact log
    assert verify_ledger() is True
    assert OutboundMessage.objects.count() == 0
    # when an entry is tampered with
    LedgerEntry.objects.filter(index=0).update(data="{}")
    # then the administrators (and nobody else) are alerted
    assert verify_ledger() is False
    messages = list(OutboundMessage.objects.all())
    assert [m.recipient for m in messages] == [admin_user.email]
    assert messages[0].subject == "Registro pubblico: verifica di integrità NON superata"
    assert "Voce 0: il contenuto non corrisponde" in messages[0].body_text
