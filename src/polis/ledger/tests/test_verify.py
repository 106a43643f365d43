"""Tamper tests: `ledger verify` detects edits, deletions, insertions and reorderings."""

import hashlib
import json

import pytest
from django.core.management import CommandError, call_command

from polis.ledger import entries, merkle, services
from polis.ledger.models import LedgerBundle, LedgerCheckpoint, LedgerEntry, LedgerTile
from polis.ledger.tiles import bundle_entries, entry_bundle
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


def _rewrite_bundle(index: int, change) -> None:
    """Tamper with the log itself: replace bundle `index`'s entries with change(entries)."""
    bundle = LedgerBundle.objects.get(index=index)
    entries = change(bundle_entries(bytes(bundle.data)))
    LedgerBundle.objects.filter(index=index).update(data=entry_bundle(entries))


def _replace_sha256(entry: bytes, digest: str) -> bytes:
    data = json.loads(entry) | {"sha256": digest}
    return json.dumps(data, sort_keys=True, separators=(",", ":")).encode()


def test_an_edited_entry_is_detected(log, capsys):
    # given an entry of the log whose document hash is replaced in its bundle
    _rewrite_bundle(0, lambda e: [*e[:42], _replace_sha256(e[42], "0" * 64), *e[43:]])
    # when / then
    assert _verify() == "Registro NON integro: 5 problemi."
    err = capsys.readouterr().err
    assert "Tile 0/0: foglia 42 diverso dal ricalcolo" in err
    assert "Checkpoint 300: la radice firmata non corrisponde" in err
    assert "Voce 42: la riga di ricerca non è la voce del registro in quella posizione" in err


def test_an_edit_of_both_copies_of_an_entry_is_still_detected(log, capsys):
    # given entry 5 forged consistently in its bundle and in its lookup row
    entry = LedgerEntry.objects.get(index=5)
    forged = entry.data.replace("P-5", "P-X")
    _rewrite_bundle(0, lambda e: [*e[:5], forged.encode(), *e[6:]])
    LedgerEntry.objects.filter(pk=entry.pk).update(
        ref="P-X", data=forged, leaf_hash=merkle.leaf_hash(forged.encode()).hex()
    )
    # then the tiles and the signed checkpoints still tell
    _verify()
    err = capsys.readouterr().err
    assert "Tile 0/0: foglia 5 diverso dal ricalcolo" in err
    assert "Checkpoint 11: la radice firmata non corrisponde" in err
    assert "riga di ricerca" not in err


def test_a_deleted_entry_is_detected(log, capsys):
    _rewrite_bundle(1, lambda e: e[:-1])
    _verify()
    err = capsys.readouterr().err
    assert "Checkpoint 300: firma un albero più grande delle 299 voci presenti" in err


def test_a_deleted_entry_in_the_middle_is_detected(log, capsys):
    _rewrite_bundle(0, lambda e: e[:7] + e[8:])
    _verify()
    err = capsys.readouterr().err
    assert "Bundle 0: 255 voci invece di 256 prima di altri bundle" in err
    assert "Checkpoint 11: la radice firmata non corrisponde" in err


def test_a_deleted_bundle_is_detected(log, capsys):
    LedgerBundle.objects.filter(index=0).delete()
    _verify()
    assert "Bundle di voci mancanti da 0 a 0" in capsys.readouterr().err


def test_an_inserted_entry_is_detected(log, capsys):
    forged = entries.canonical_entry(
        type="claim.opened", ref="FAKE", sha256="1" * 64, time="2026-01-01T00:00:00Z"
    )
    _rewrite_bundle(1, lambda e: [*e, forged])
    _verify()
    assert "Ci sono 1 voci oltre l'ultimo checkpoint firmato (300)" in capsys.readouterr().err


def test_reordered_entries_are_detected(log, capsys):
    _rewrite_bundle(0, lambda e: [*e[:3], e[4], e[3], *e[5:]])
    _verify()
    err = capsys.readouterr().err
    assert "Tile 0/0: foglia 3 diverso dal ricalcolo" in err
    assert "Checkpoint 11: la radice firmata non corrisponde" in err


def test_an_edited_lookup_row_is_detected(log, capsys):
    # given the page's lookup row of entry 42 pointing at another document (the log is intact)
    entry = LedgerEntry.objects.get(index=42)
    forged = _replace_sha256(entry.data.encode(), "0" * 64).decode()
    LedgerEntry.objects.filter(pk=entry.pk).update(sha256="0" * 64, data=forged)
    # then
    assert _verify() == "Registro NON integro: 2 problemi."
    err = capsys.readouterr().err
    assert "Voce 42: il contenuto non corrisponde al suo hash di foglia" in err
    assert "Voce 42: la riga di ricerca non è la voce del registro" in err


def test_deleted_moved_and_inserted_lookup_rows_are_detected(log, capsys):
    LedgerEntry.objects.filter(index=7).delete()
    a, b = LedgerEntry.objects.get(index=3), LedgerEntry.objects.get(index=4)
    LedgerEntry.objects.filter(pk=a.pk).update(index=-1)
    LedgerEntry.objects.filter(pk=b.pk).update(index=3)
    LedgerEntry.objects.filter(pk=a.pk).update(index=4)
    fake = services.record_event(type="claim.opened", ref="FAKE", sha256="1" * 64)
    LedgerEntry.objects.filter(pk=fake.pk).update(index=300)
    _verify()
    err = capsys.readouterr().err
    assert "Indici mancanti da 7 a 7 nelle righe di ricerca" in err
    assert "Voce 3: la riga di ricerca non è la voce del registro" in err
    assert "Voce 4: la riga di ricerca non è la voce del registro" in err
    assert "Voce 300: la riga di ricerca non è la voce del registro" in err
    assert "Checkpoint" not in err


def test_a_batch_the_follower_has_not_indexed_yet_verifies(log, capsys):
    services.append_events(
        events=[{"type": "claim.opened", "ref": f"B-{i}", "sha256": "2" * 64} for i in range(50)]
    )
    call_command("ledger", "verify")
    services.index_entries()
    call_command("ledger", "verify")
    assert capsys.readouterr().out.count("Registro integro: 350 voci, 4 checkpoint") == 2


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
