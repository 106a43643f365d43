"""The background work of an import, and its Celery tasks: the dry run (read, check, report)
and the import of the confirmed rows. Both stream the file or the rows in chunks, so memory
stays bounded, and both may be run again after a crash: the check starts over, the import
picks up the rows left."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TYPE_CHECKING

from celery import shared_task
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from polis.catalog.services import mark_tariff_used
from polis.clients.models import Client
from polis.clients.services import PRIVACY_NOTICE_VERSION
from polis.core.errors import DomainError
from polis.lifecycle import lock, transition
from polis.portfolio.checking import Checked, Checker
from polis.portfolio.models import ImportBatch, ImportRow
from polis.portfolio.reading import FileRefused, read_rows
from polis.practices.models import Practice

if TYPE_CHECKING:
    from polis.accounts.models import User

S = ImportBatch.Status
OUT = ImportRow.Outcome
CHECK_CHUNK = 1000
IMPORT_CHUNK = 500


def _chunks(rows: Iterable, size: int) -> Iterator[list]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def validate_batch(batch_id: int, *, chunk: int = CHECK_CHUNK) -> ImportBatch:
    """The dry run: read the stored file, check every row and keep the report (ImportRow);
    the counters move as the chunks go, for the progress bar. A file refused whole (a
    hostile or unreadable one) leaves the batch `refused` with the reason."""
    batch = ImportBatch.objects.select_related("firm", "file").get(pk=batch_id)
    if batch.status != S.VALIDATING:
        return batch
    ImportRow.objects.filter(batch=batch).delete()
    ImportBatch.objects.filter(pk=batch.pk).update(total_rows=0, error_rows=0, warning_rows=0)
    checker = Checker(batch.firm, today=timezone.localdate())
    totals = {"total_rows": 0, "error_rows": 0, "warning_rows": 0}
    try:
        with batch.file.file.open("rb") as stream:
            for rows in _chunks(
                read_rows(stream, format=batch.format, encoding=batch.encoding), chunk
            ):
                checked = checker.check(rows)
                ImportRow.objects.bulk_create(
                    ImportRow(
                        batch=batch,
                        number=row.number,
                        cells=row.cells,
                        errors=row.errors,
                        warnings=row.warnings,
                        flagged=bool(row.errors or row.warnings),
                        outcome=OUT.INVALID if row.errors else OUT.PENDING,
                    )
                    for row in checked
                )
                totals["total_rows"] += len(checked)
                totals["error_rows"] += sum(1 for row in checked if row.errors)
                totals["warning_rows"] += sum(1 for row in checked if row.warnings)
                ImportBatch.objects.filter(pk=batch.pk).update(**totals)
        if not totals["total_rows"]:
            raise FileRefused(_("Il file non contiene righe sotto l'intestazione."))
    except FileRefused as refused:
        with transaction.atomic():
            ImportRow.objects.filter(batch=batch).delete()
            batch = lock(batch)
            batch.message = refused.message[:300]
            batch.total_rows = batch.error_rows = batch.warning_rows = 0
            transition(
                batch,
                S.REFUSED,
                actor=None,
                fields=("message", "total_rows", "error_rows", "warning_rows"),
            )
        return batch
    with transaction.atomic():
        batch = lock(batch)
        transition(batch, S.VALIDATED, actor=None, data=totals)
    return batch


def _author(batch: ImportBatch) -> User:
    """Whom the imported practices belong to, as if he had made them (his expiry reminders):
    the confirming user when he is of the firm, else the firm's administrator."""
    confirmer = batch.confirmed_by
    if confirmer is not None and confirmer.firm_id == batch.firm_id:
        return confirmer
    users = batch.firm.users.filter(is_active=True).order_by("-is_firm_admin", "pk")
    return users.first() or confirmer


def _client(row: Checked, batch: ImportBatch, author: User) -> Client:
    return Client(
        firm_id=batch.firm_id,
        created_by=author,
        privacy_consent_version=PRIVACY_NOTICE_VERSION,
        privacy_consent_at=batch.confirmed_at,
        **row.client,
    )


def _practice(row: Checked, batch: ImportBatch, author: User, client_id: int) -> Practice:
    policy = dict(row.policy)
    return Practice(
        firm_id=batch.firm_id,
        client_id=client_id,
        created_by=author,
        breakdown={"lines": [], "instalments": [str(policy["gross"])], "imported": batch.pk},
        **policy,
    )


def _apply_rows(
    batch: ImportBatch, rows: list[Checked], author: User, clients: dict[str, int]
) -> dict[int, Practice]:
    """Write the clients and practices of `rows` (all checked good): the new clients first,
    once each, then the practices. Returns the practices by row number."""
    fresh = {}
    for row in rows:
        if row.existing_client is None and row.tax_id not in clients and row.tax_id not in fresh:
            fresh[row.tax_id] = _client(row, batch, author)
    Client.objects.bulk_create(fresh.values())
    known = clients | {tax_id: client.pk for tax_id, client in fresh.items()}
    practices = {
        row.number: _practice(row, batch, author, row.existing_client or known[row.tax_id])
        for row in rows
    }
    Practice.objects.bulk_create(practices.values())
    clients.update((tax_id, client.pk) for tax_id, client in fresh.items())
    return practices


def _import_chunk(
    batch: ImportBatch,
    records: list[ImportRow],
    checker: Checker,
    author: User,
    clients: dict[str, int],
) -> dict[str, int]:
    """Check `records` again (the portfolio may have changed since the dry run) and import
    them: the good ones in one go; if that fails, each in its own savepoint, so that a row is
    imported whole or not at all and a failing row leaves the others in."""
    counts = {"created_policies": 0, "created_clients": 0, "skipped_rows": 0, "failed_rows": 0}
    by_number = {record.number: record for record in records}
    checked = checker.check([(record.number, record.cells) for record in records])
    good = []
    for row in checked:
        record = by_number[row.number]
        if row.errors:
            record.outcome = OUT.FAILED
            record.outcome_message = "; ".join(e["message"] for e in row.errors)[:300]
        elif row.already_imported is not None:
            record.outcome, record.practice_id = OUT.SKIPPED, row.already_imported
        else:
            good.append(row)
    before = len(clients)
    try:
        with transaction.atomic():
            made = _apply_rows(batch, good, author, clients)
    except (IntegrityError, DatabaseError):
        made = {}
        for row in good:
            try:
                with transaction.atomic():
                    made |= _apply_rows(batch, [row], author, clients)
            except (IntegrityError, DatabaseError, DomainError) as error:
                record = by_number[row.number]
                record.outcome = OUT.FAILED
                record.outcome_message = _("Non importata: %(error)s") % {"error": str(error)[:250]}
    for number, practice in made.items():
        by_number[number].outcome, by_number[number].practice_id = OUT.CREATED, practice.pk
    for tariff in {row.policy["tariff"].pk: row.policy["tariff"] for row in good}.values():
        mark_tariff_used(tariff)
    ImportRow.objects.bulk_update(records, ["outcome", "outcome_message", "practice"])
    counts["created_policies"] = len(made)
    counts["created_clients"] = len(clients) - before
    counts["skipped_rows"] = sum(1 for r in records if r.outcome == OUT.SKIPPED)
    counts["failed_rows"] = sum(1 for r in records if r.outcome == OUT.FAILED)
    return counts


def import_batch(batch_id: int, *, chunk: int = IMPORT_CHUNK) -> ImportBatch:
    """Import a confirmed batch's pending rows, a chunk per transaction (the progress bar moves
    with each); idempotent: a policy already in the portfolio (by its number and insurer) is
    skipped, so the same file imported twice creates nothing twice."""
    batch = ImportBatch.objects.select_related("firm", "confirmed_by").get(pk=batch_id)
    if batch.status != S.IMPORTING:
        return batch
    checker = Checker(batch.firm, today=timezone.localdate())
    author = _author(batch)
    clients: dict[str, int] = {}
    while records := list(
        ImportRow.objects.filter(batch=batch, outcome=OUT.PENDING).order_by("number")[:chunk]
    ):
        with transaction.atomic():
            counts = _import_chunk(batch, records, checker, author, clients)
            ImportBatch.objects.filter(pk=batch.pk).update(
                processed_rows=F("processed_rows") + len(records),
                **{name: F(name) + value for name, value in counts.items()},
            )
    with transaction.atomic():
        batch = lock(batch)
        batch.finished_at = timezone.now()
        transition(
            batch,
            S.DONE,
            actor=batch.confirmed_by,
            fields=("finished_at",),
            data={
                "created_policies": batch.created_policies,
                "created_clients": batch.created_clients,
                "skipped_rows": batch.skipped_rows,
                "failed_rows": batch.failed_rows,
            },
        )
    return batch


# Named as when they lived in `polis.portfolio.tasks` (which the workers discover), so that
# queued calls keep their name.
@shared_task(name="polis.portfolio.tasks.validate_import")
def validate_import(batch_id: int) -> str:
    """The dry run of an uploaded file; a rerun starts its check over."""
    return validate_batch(batch_id).status


@shared_task(name="polis.portfolio.tasks.run_import")
def run_import(batch_id: int) -> str:
    """The import of a confirmed file; a rerun picks up the rows not yet handled."""
    return import_batch(batch_id).status
