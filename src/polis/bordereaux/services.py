"""Generating the bordereaux (by the monthly job or an operator) and downloading them."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from polis.audit.services import record_audit
from polis.bordereaux.audit import BordereauAudit
from polis.bordereaux.build import build
from polis.bordereaux.models import Bordereau
from polis.catalog.models import Insurer
from polis.core.access import require
from polis.core.errors import DomainError
from polis.documents.models import StoredFile
from polis.documents.services import delete_files, open_download, store_file
from polis.lifecycle import lock, transition

if TYPE_CHECKING:
    from django.http import FileResponse

    from polis.accounts.models import User

PARTS = ("xlsx", "csv", "report")
EARLIEST = datetime.date(2000, 1, 1)  # before polis, and before the euro


def generate_bordereau(
    *,
    actor: User | None,
    insurer: Insurer,
    month: datetime.date,
    kind: str,
    version: int | None = None,
) -> Bordereau:
    """Build the insurer's bordereau of `kind` for the month (any day of it), check its
    mandatory fields and store its files. Idempotent: there is one per insurer, month and kind,
    and generating it again replaces its figures and files (the old files are deleted).

    `actor` None is the monthly job; a person must be one of the MGA's staff. Its status says
    whether every mandatory field was filled."""
    if actor is not None:
        require(actor, "report_to_insurers")
    if month > timezone.localdate():
        raise DomainError(_("Il mese non può essere futuro."), field="month")
    if month < EARLIEST:
        raise DomainError(_("Il mese è troppo lontano nel passato."), field="month")
    month = month.replace(day=1)
    result = build(insurer, month, kind)  # reads only: outside the transaction
    status = Bordereau.Status.INCOMPLETE if result.missing else Bordereau.Status.COMPLETE
    with transaction.atomic():
        files = {part: store_file(actor=actor, validated=f) for part, f in result.files.items()}
        figures = {
            "rows": result.rows,
            "missing": result.missing,
            "missing_by_column": dict(result.missing_by_column),
            "missing_sample": result.missing_sample,
            "xlsx": files["xlsx"],
            "csv": files["csv"],
            "report": files.get("report"),
            "generated_at": timezone.now(),
            "generated_by": actor,
        }
        audited = {"rows": result.rows, "missing": result.missing}
        existing = Bordereau.objects.filter(insurer=insurer, month=month, kind=kind).first()
        if existing is None:
            bordereau = Bordereau.objects.create(
                insurer=insurer, month=month, kind=kind, status=status, **figures
            )
            record_audit(
                actor=actor,
                action=BordereauAudit.GENERATED,
                target=bordereau,
                data={"to": status, **audited},
            )
            return bordereau
        bordereau = lock(existing, version)
        old = [bordereau.xlsx_id, bordereau.csv_id, bordereau.report_id]
        for name, value in figures.items():
            setattr(bordereau, name, value)
        transition(
            bordereau,
            status,
            actor=actor,
            fields=figures,
            action=BordereauAudit.GENERATED,
            data=audited,
        )
        delete_files(StoredFile.objects.filter(pk__in=[pk for pk in old if pk]))
        return bordereau


def generate_month(*, month: datetime.date) -> int:
    """The monthly job: both bordereaux of every insurer for the month; returns how many."""
    count = 0
    for insurer in Insurer.objects.order_by("pk"):
        for kind in Bordereau.Kind.values:
            generate_bordereau(actor=None, insurer=insurer, month=month, kind=kind)
            count += 1
    return count


def download_bordereau(*, actor: User, bordereau: Bordereau, part: str) -> FileResponse:
    """Serve the XLSX, the CSV or the missing-field report, and audit who downloaded it."""
    require(actor, "report_to_insurers")
    stored = getattr(bordereau, part) if part in PARTS else None
    if stored is None:
        raise FileNotFoundError(part)
    with transaction.atomic():
        record_audit(
            actor=actor, action=BordereauAudit.DOWNLOADED, target=bordereau, data={"part": part}
        )
    return open_download(actor=actor, stored=stored)
