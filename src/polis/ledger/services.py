"""The only code that changes the ledger: queue an event, integrate pending events, sign."""

from __future__ import annotations

import hashlib
import json
import re

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from polis.accounts.models import User
from polis.core.errors import DomainError
from polis.ledger import merkle, note, selectors
from polis.ledger.keys import log_signer
from polis.ledger.models import LedgerCheckpoint, LedgerEntry, LedgerTile
from polis.notify.services import queue_email

# Event types that may be recorded. Only types, opaque references and hashes reach the log.
EVENT_TYPES = (
    "policy.issued",
    "contract.signed",
    "contract.evidence",
    "practice.in_force",
    "claim.opened",
    "quietanza.accepted",
    "quietanza.refused",
    "demo.document",
)
_HEX64 = re.compile(r"[0-9a-f]{64}")
_REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
# pg_advisory_xact_lock key: "polis ledger sequencer".
SEQUENCER_LOCK = 0x706F6C69_736C6467
BATCH_SIZE = 1000


def canonical_entry(*, type: str, ref: str, sha256: str, time: str) -> bytes:
    """The entry bytes: canonical JSON, sorted keys, no spaces, UTF-8."""
    data = {"v": 1, "type": type, "ref": ref, "sha256": sha256, "time": time}
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _check_event(*, type: str, ref: str, sha256: str) -> None:
    """Refuse anything but an allowed type, an opaque reference and a SHA-256."""
    if type not in EVENT_TYPES:
        message = _("Tipo di evento non ammesso nel registro: %(type)s.") % {"type": type}
        raise DomainError(message, field="type")
    if not isinstance(ref, str) or not _REF.fullmatch(ref):
        message = _("Il riferimento deve essere un codice opaco (lettere, cifre, .:_-).")
        raise DomainError(message, field="ref")
    if not isinstance(sha256, str) or not _HEX64.fullmatch(sha256.lower()):
        raise DomainError(_("L'impronta SHA-256 deve avere 64 cifre esadecimali."), field="sha256")


def _canonical(type: str, ref: str, sha256: str, stamp: str) -> str:
    """What canonical_entry() produces, written out: checked fields need no JSON escaping."""
    return f'{{"ref":"{ref}","sha256":"{sha256}","time":"{stamp}","type":"{type}","v":1}}'


# A whole batch of valid references or hashes, one per line: one regex pass instead of one per
# event (the appends benchmark spends most of its Python time validating).
_REFS = re.compile(r"(?:[A-Za-z0-9][A-Za-z0-9._:-]{0,63}\n)*")
_HEX64S = re.compile(r"(?:[0-9a-f]{64}\n)*")


def _valid_batch(events: list[dict]) -> bool:
    try:
        types = {event["type"] for event in events}
        refs = "\n".join(event["ref"] for event in events) + "\n"
        hashes = "\n".join(event["sha256"] for event in events).lower() + "\n"
    except (KeyError, TypeError):
        return False
    return (
        types <= set(EVENT_TYPES)
        # as many lines as events: a reference or hash holding a newline is not two valid ones
        and refs.count("\n") == hashes.count("\n") == len(events)
        and _REFS.fullmatch(refs) is not None
        and _HEX64S.fullmatch(hashes) is not None
    )


def _new_rows(events: list[dict], now) -> list[tuple[str, str, str, str, str]]:
    """(type, ref, sha256, canonical entry, leaf hash) of each event, validated."""
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    if not _valid_batch(events):
        for event in events:
            _check_event(**event)  # raises for the first invalid event
    sha256 = hashlib.sha256
    rows = []
    for event in events:
        type, ref, digest = event["type"], event["ref"], event["sha256"].lower()
        data = _canonical(type, ref, digest, stamp)
        rows.append((type, ref, digest, data, sha256(b"\x00" + data.encode()).hexdigest()))
    return rows


def _new_entries(events: list[dict], now) -> list[LedgerEntry]:
    return [
        LedgerEntry(type=type, ref=ref, sha256=sha256, time=now, data=data, leaf_hash=leaf)
        for type, ref, sha256, data, leaf in _new_rows(events, now)
    ]


def record_events(*, events: list[dict]) -> list[LedgerEntry]:
    """Queue many events at once (same rules as record_event), in the caller's transaction."""
    entries = _new_entries(events, timezone.now().replace(microsecond=0))
    return LedgerEntry.objects.bulk_create(entries)


def record_event(*, type: str, ref: str, sha256: str) -> LedgerEntry:
    """Queue an event for the public log, in the caller's transaction (outbox).

    `ref` must be an opaque identifier (e.g. a UUID or a random code), never a name, tax code or
    anything personal: the log is public forever. If the caller's transaction rolls back, the
    entry never reaches the log; once it commits, the sequencer integrates it.
    """
    event = {"type": type, "ref": ref, "sha256": sha256}
    (entry,) = _new_entries([event], timezone.now().replace(microsecond=0))
    entry.save()
    return entry


def _lock_sequencer() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEQUENCER_LOCK])


def _sign_checkpoint(size: int, root: bytes) -> LedgerCheckpoint:
    text = note.Checkpoint(settings.LEDGER_ORIGIN, size, root).text()
    return LedgerCheckpoint.objects.create(
        size=size, root_hash=root.hex(), note=note.sign_note(text, log_signer())
    )


def _latest() -> tuple[int, str]:
    latest = LedgerCheckpoint.objects.values_list("size", "root_hash").first()
    return latest or (0, merkle.EMPTY_ROOT.hex())


def latest_size() -> int:
    return _latest()[0]


def _number_entries(size: int, pks: list[int]) -> None:
    """index = size, size+1, ... for exactly these rows in pk order, in one UPDATE statement."""
    table = connection.ops.quote_name(LedgerEntry._meta.db_table)
    placeholders = ", ".join(["%s"] * len(pks))
    sql = (
        f'UPDATE {table} SET "index" = %s + numbered.n - 1 FROM '  # noqa: S608 - no user input
        f"(SELECT id, row_number() OVER (ORDER BY id) AS n FROM {table} "
        f"WHERE id IN ({placeholders})) AS numbered WHERE {table}.id = numbered.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [size, *pks])


def _store_tiles(changed: dict[tuple[int, int], bytes]) -> None:
    """Insert or replace the changed tiles with one statement."""
    table = connection.ops.quote_name(LedgerTile._meta.db_table)
    values = ", ".join(["(%s, %s, %s)"] * len(changed))
    sql = (
        f'INSERT INTO {table} (level, "index", hashes) VALUES {values} '  # noqa: S608
        'ON CONFLICT (level, "index") DO UPDATE SET hashes = excluded.hashes'
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [v for (level, index), h in changed.items() for v in (level, index, h)])


# The right edge of the tree this process last signed, by (size, root): the next batch reads no
# tile. The same size and root mean the same tree, so an entry can never be stale.
_right_edge: dict[tuple[int, str], dict[tuple[int, int], bytes]] = {}


def _extend(latest: tuple[int, str], leaf_hashes: list[bytes]) -> LedgerCheckpoint:
    """Append leaf hashes to the tree `latest` (size, root): store the changed tiles, sign."""
    tree = selectors.tree_at(latest[0])
    edge = tree.right_edge()
    known = _right_edge.get(latest)
    stored = known if known is not None else selectors.tiles(edge)
    tree.preload({key: stored.get(key, b"") for key in edge})
    tree.append(leaf_hashes)
    _store_tiles(tree.changed_tiles())
    checkpoint = _sign_checkpoint(tree.size, tree.root())
    after = {key: tree.tile(*key) for key in tree.right_edge()}

    def remember() -> None:
        _right_edge.clear()
        _right_edge[tree.size, checkpoint.root_hash] = after

    transaction.on_commit(remember)
    return checkpoint


def integrate_pending(*, batch_size: int = BATCH_SIZE) -> LedgerCheckpoint | None:
    """Sequence up to `batch_size` pending entries, store their tiles, sign a checkpoint.

    A single sequencer at a time (PostgreSQL advisory lock held until commit): the tree never
    forks. Returns the new checkpoint, or None if nothing was pending (the empty tree gets a
    size-0 checkpoint the first time).
    """
    with transaction.atomic():
        _lock_sequencer()
        latest = _latest()
        pending = list(
            LedgerEntry.objects.filter(index__isnull=True)
            .order_by("pk")
            .values_list("pk", "leaf_hash")[:batch_size]
        )
        if not pending:
            if LedgerCheckpoint.objects.exists():
                return None
            return _sign_checkpoint(0, merkle.EMPTY_ROOT)
        _number_entries(latest[0], [pk for pk, _ in pending])
        return _extend(latest, [bytes.fromhex(leaf) for _, leaf in pending])


_COPY_COLUMNS = ("index", "type", "ref", "sha256", "time", "data", "leaf_hash")


def _insert_numbered(first_index: int, rows: list[tuple], now) -> None:
    """Store entries numbered from `first_index`: one COPY on PostgreSQL.

    The rows come from _new_rows, whose validation leaves nothing for COPY's text format to escape.
    """
    if connection.vendor != "postgresql":
        fields = ("type", "ref", "sha256", "data", "leaf_hash")
        LedgerEntry.objects.bulk_create(
            LedgerEntry(index=first_index + n, time=now, **dict(zip(fields, row, strict=True)))
            for n, row in enumerate(rows)
        )
        return
    table = connection.ops.quote_name(LedgerEntry._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _COPY_COLUMNS)
    stamp = now.isoformat()
    text = "".join(
        f"{first_index + n}\t{t}\t{r}\t{s}\t{stamp}\t{d}\t{h}\n"
        for n, (t, r, s, d, h) in enumerate(rows)
    )
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        copy.write(text)


def append_events(*, events: list[dict]) -> LedgerCheckpoint:
    """Append a batch of events straight to the log, in one transaction of its own.

    Same rules as record_event, but the batch is numbered, tiled and closed by a signed
    checkpoint before this returns (or nothing of it is stored): for bulk producers that need
    no business transaction around each event, such as imports. Pending outbox entries keep
    their turn with the sequencer.
    """
    now = timezone.now().replace(microsecond=0)
    rows = _new_rows(events, now)  # validated and hashed before taking the lock
    leaves = [bytes.fromhex(row[4]) for row in rows]
    with transaction.atomic():
        _lock_sequencer()
        latest = _latest()
        _insert_numbered(latest[0], rows, now)
        return _extend(latest, leaves)


def integrate_all(*, batch_size: int = BATCH_SIZE) -> int:
    """Integrate until nothing is pending; the number of entries integrated."""
    before = latest_size()
    while integrate_pending(batch_size=batch_size) is not None:
        pass
    return latest_size() - before


def document_sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def witness_latest() -> int:
    """Submit the latest checkpoint to the configured witnesses (outside the sequencer lock)."""
    from polis.ledger.witnessing import submit_checkpoint  # witnessing imports selectors

    latest = LedgerCheckpoint.objects.first()
    return submit_checkpoint(latest) if latest is not None else 0


def anchor_latest() -> bool:
    """RFC 3161 time-stamp of the latest checkpoint (LEDGER_TSA_URL), outside the lock."""
    from polis.ledger.anchoring import anchor_latest as anchor

    return anchor()


DEMO_DOCUMENTS = (b"polis demo: contratto", b"polis demo: quietanza")


def record_demo_events() -> int:
    """Demo data: two events with opaque references, once (idempotent)."""
    if LedgerEntry.objects.filter(ref__startswith="DEMO-").exists():
        return 0
    for n, content in enumerate(DEMO_DOCUMENTS, start=1):
        record_event(type="demo.document", ref=f"DEMO-{n}", sha256=document_sha256(content))
    return len(DEMO_DOCUMENTS)


def verify_and_alert() -> bool:
    """Verify the whole log; on failure queue an e-mail to every active administrator."""
    from polis.ledger.audit import verify_ledger  # audit imports this module

    report = verify_ledger()
    if report.ok:
        return True
    with transaction.atomic():
        admins = User.objects.filter(role=User.Role.ADMIN, is_active=True).exclude(email="")
        for admin in admins:
            queue_email(
                to=admin.email,
                template="ledger_verify_failed",
                context={"problems": report.problems, "size": report.size},
            )
    return False
