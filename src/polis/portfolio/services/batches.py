"""A user's steps of the portfolio import (upload and dry run, confirmation, cancellation) and
the audit of its exports; the background work they start is in `importing`."""

from __future__ import annotations

import hashlib
from functools import partial
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from polis.audit.services import record_audit
from polis.core.access import require
from polis.core.errors import DomainError, PermissionDenied
from polis.documents.services import store_file
from polis.documents.validation import ValidatedFile
from polis.lifecycle import lock, transition
from polis.portfolio.audit import PortfolioAudit
from polis.portfolio.models import ImportBatch
from polis.portfolio.reading import sniff_file
from polis.portfolio.services import importing

if TYPE_CHECKING:
    from polis.accounts.models import Firm, User

S = ImportBatch.Status


def check_firm(actor: User, firm: Firm) -> None:
    """The MGA's staff import and export any firm's portfolio, a firm's administrator his own."""
    require(actor, "import_portfolio")
    if not actor.is_mga_staff and firm.pk != actor.firm_id:
        raise PermissionDenied(_("Non hai i permessi per il portafoglio di questa agenzia."))


def _safe_name(name: str, format: str) -> str:
    stem = "".join(c if c.isalnum() or c in "-_ ." else "_" for c in name.rsplit(".", 1)[0])
    return (stem.strip(" ._")[:100] or "portafoglio") + "." + format


def upload_portfolio(
    *, actor: User, firm: Firm, name: str, data: bytes, privacy_declared: bool
) -> ImportBatch:
    """Store an uploaded portfolio file and start its dry run in the background: the file is
    recognised by its content and refused whole (DomainError, nothing stored) when it is not a
    plain CSV or XLSX within the limits. Nothing of the portfolio is written until the user
    confirms."""
    check_firm(actor, firm)
    if not privacy_declared:
        raise DomainError(
            _("Conferma che i clienti del file hanno ricevuto l'informativa privacy."),
            field="privacy",
        )
    sniffed = sniff_file(name, data)
    sha256 = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        stored = store_file(
            actor=actor,
            validated=ValidatedFile(
                name=_safe_name(name, sniffed.format),
                content_type=sniffed.content_type,
                size=len(data),
                sha256=sha256,
                content=data,
            ),
        )
        batch = ImportBatch.objects.create(
            firm=firm,
            file=stored,
            format=sniffed.format,
            encoding=sniffed.encoding,
            created_by=actor,
        )
        record_audit(
            actor=actor,
            action=PortfolioAudit.UPLOADED,
            target=batch,
            data={"sha256": sha256, "format": sniffed.format, "size": len(data)},
        )
        transaction.on_commit(partial(importing.validate_import.delay, batch.pk))
        return batch


def confirm_import(*, actor: User, batch: ImportBatch, version: int | None = None) -> ImportBatch:
    """Start the import of a checked file's good rows in the background (rows with errors are
    left out, and listed)."""
    check_firm(actor, batch.firm)
    with transaction.atomic():
        batch = lock(batch, version)
        if batch.status == S.VALIDATED and batch.valid_rows == 0:
            raise DomainError(_("Nessuna riga senza errori da importare."))
        batch.confirmed_by, batch.confirmed_at = actor, timezone.now()
        transition(batch, S.IMPORTING, actor=actor, fields=("confirmed_by", "confirmed_at"))
        transaction.on_commit(partial(importing.run_import.delay, batch.pk))
        return batch


def cancel_import(*, actor: User, batch: ImportBatch, version: int | None = None) -> ImportBatch:
    """Drop a checked file without importing anything (its report stays)."""
    check_firm(actor, batch.firm)
    with transaction.atomic():
        batch = lock(batch, version)
        transition(batch, S.CANCELLED, actor=actor)
        return batch


def record_report_download(*, actor: User, batch: ImportBatch) -> None:
    check_firm(actor, batch.firm)
    with transaction.atomic():
        record_audit(actor=actor, action=PortfolioAudit.REPORT_DOWNLOADED, target=batch)


def record_export(*, actor: User, firm: Firm, format: str) -> None:
    """Audit an export of a firm's portfolio (the rows come from the selector, streamed)."""
    check_firm(actor, firm)
    with transaction.atomic():
        record_audit(
            actor=actor, action=PortfolioAudit.EXPORTED, target=firm, data={"format": format}
        )
