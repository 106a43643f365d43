"""The retention job (purge by record class, under the legal holds) and the operators' holds."""

from __future__ import annotations

import datetime
import time
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from polis.audit.services import record_audit
from polis.core.access import require
from polis.core.errors import DomainError
from polis.core.retention import RecordClass, held_clients, record_classes
from polis.lifecycle import lock, transition
from polis.retention.audit import RetentionAudit
from polis.retention.models import LegalHold, PurgeLine, PurgeRun

if TYPE_CHECKING:
    from polis.accounts.models import User
    from polis.clients.models import Client


def purge_expired(*, today: datetime.date | None = None, batch_size: int | None = None) -> PurgeRun:
    """Delete or pseudonymise, class by class, the records whose retention period is over,
    except the clients' under a legal hold, and write the report of what was done and why.

    Idempotent: a purged row no longer matches its class's `expired()`. Each batch is its own
    short transaction (the working tables are never locked beyond one batch's rows, and only
    while they are purged), and the holds are read again before each class, so that a hold
    placed meanwhile is respected.
    """
    today = today or timezone.localdate()
    batch_size = batch_size or settings.RETENTION_BATCH_SIZE
    run = PurgeRun.objects.create(as_of=today)
    held: frozenset[int] = frozenset()
    for record_class in record_classes():
        held = held_clients()
        _purge_class(run, record_class, today, held, batch_size)
    run.held_clients = len(held)
    run.finished_at = timezone.now()
    run.save(update_fields=["held_clients", "finished_at"])
    with transaction.atomic():
        record_audit(
            actor=None,
            action=RetentionAudit.PURGED,
            target=run,
            data={line.record_class: line.count for line in run.lines.all()},
        )
    return run


def _purge_class(
    run: PurgeRun, record_class: RecordClass, today: datetime.date, held: frozenset[int], size: int
) -> PurgeLine:
    cutoff = record_class.cutoff(today)
    line = PurgeLine(
        run=run,
        record_class=record_class.key,
        title=str(record_class.title),
        action=record_class.action,
        months=record_class.period_months,
        start_event=str(record_class.start_event),
        source=str(record_class.source),
        unconfirmed=record_class.unconfirmed,
        cutoff=cutoff,
    )
    if record_class.expired is not None and record_class.purge is not None:
        while True:
            # The batch's keys are found outside the transaction (no lock while searching);
            # the transaction purges them, filtered again by expired() so that a row that
            # changed meanwhile (a new hold, a new record) is left alone.
            keys = list(
                record_class.expired(cutoff, held)
                .order_by("pk")
                .values_list("pk", flat=True)[:size]
            )
            if not keys:
                break
            started = time.monotonic()
            with transaction.atomic():
                count = record_class.purge(record_class.expired(cutoff, held).filter(pk__in=keys))
            line.count += count
            line.batches += 1
            line.longest_batch_ms = max(
                line.longest_batch_ms, int((time.monotonic() - started) * 1000)
            )
            if not count:
                break  # what is left no longer qualifies once locked: the next run retries
    line.save()
    return line


def place_hold(
    *, actor: User, client: Client, reason: str, reference: str, note: str = ""
) -> LegalHold:
    """An operator stops the clock for every record of a client (an authority's request, a
    dispute) until the hold is released."""
    require(actor, "manage_retention")
    if not reference.strip():
        raise DomainError(_("Indica il riferimento della richiesta."), field="reference")
    with transaction.atomic():
        hold = LegalHold.objects.create(
            client=client,
            reason=reason,
            reference=reference.strip(),
            note=note.strip(),
            placed_by=actor,
        )
        record_audit(
            actor=actor, action=RetentionAudit.HOLD_PLACED, target=hold, data={"reason": reason}
        )
        return hold


def release_hold(*, actor: User, hold: LegalHold) -> LegalHold:
    """Release a hold: the client's records follow their periods again from the next run."""
    require(actor, "manage_retention")
    with transaction.atomic():
        hold = lock(hold)
        hold.released_at, hold.released_by = timezone.now(), actor
        transition(
            hold, LegalHold.Status.RELEASED, actor=actor, fields=("released_at", "released_by")
        )
        return hold
