"""The API of the portfolio import: upload a file (its dry run starts), read the dry run's
report per row and field, confirm or cancel, follow the import's progress. Same services and
rules as the pages: the MGA's staff for any firm, a firm's administrator for his own."""

from datetime import datetime

from ninja import Field, File, Form, Router, Schema, Status, UploadedFile

from polis.api.auth import caller_with
from polis.api.schemas import ERRORS, page
from polis.portfolio import selectors, services
from polis.portfolio.actions import ACTIONS
from polis.portfolio.models import ImportBatch

router = Router()


class ImportOut(Schema):
    id: int
    firm_id: int
    file_name: str
    sha256: str
    format: str
    status: str = Field(
        description="validating → validated | refused; validated → importing | cancelled; "
        "importing → done."
    )
    message: str = Field(description="Perché il file è stato rifiutato per intero.")
    total_rows: int
    error_rows: int = Field(description="Righe con errori: escluse dall'importazione.")
    warning_rows: int
    processed_rows: int
    progress: int = Field(description="Percentuale dell'importazione (0–100).")
    created_policies: int
    created_clients: int
    skipped_rows: int = Field(description="Polizze già nel portafoglio: saltate.")
    failed_rows: int
    created_at: datetime
    finished_at: datetime | None
    version: int
    allowed_actions: list[str] = Field(description="Le azioni possibili ora (cancel, confirm).")


class Issue(Schema):
    field: str
    message: str


class RowOut(Schema):
    number: int = Field(description="La riga come la numera il foglio (intestazione = 1).")
    outcome: str
    errors: list[Issue]
    warnings: list[Issue]
    outcome_message: str
    practice_id: int | None


class VersionIn(Schema):
    version: int | None = None


def _out(batch: ImportBatch, user) -> ImportOut:
    return ImportOut(
        id=batch.pk,
        firm_id=batch.firm_id,
        file_name=batch.file.name,
        sha256=batch.file.sha256,
        format=batch.format,
        status=batch.status,
        message=batch.message,
        total_rows=batch.total_rows,
        error_rows=batch.error_rows,
        warning_rows=batch.warning_rows,
        processed_rows=batch.processed_rows,
        progress=batch.progress,
        created_policies=batch.created_policies,
        created_clients=batch.created_clients,
        skipped_rows=batch.skipped_rows,
        failed_rows=batch.failed_rows,
        created_at=batch.created_at,
        finished_at=batch.finished_at,
        version=batch.version,
        allowed_actions=sorted(ACTIONS.allowed(batch, user)),
    )


@router.get(
    "/portfolio-imports",
    response={200: list[ImportOut], **ERRORS},
    summary="Le importazioni del portafoglio, le più recenti prima",
)
def list_portfolio_imports(request, limit: int = 50, offset: int = 0):
    user = caller_with(request, "import_portfolio")
    return [_out(b, user) for b in page(selectors.batches_visible_to(user), limit, offset)]


@router.post(
    "/portfolio-imports",
    response={201: ImportOut, **ERRORS},
    summary="Carica un file di portafoglio (CSV o XLSX): parte la verifica, nulla è scritto",
)
def upload_portfolio_import(
    request,
    file: File[UploadedFile],
    privacy_declared: Form[bool] = False,
    firm_id: Form[int | None] = None,
):
    user = caller_with(request, "import_portfolio")
    batch = services.upload_portfolio(
        actor=user,
        firm=selectors.get_firm_for(user, firm_id),
        name=file.name or "",
        data=file.read(),
        privacy_declared=privacy_declared,
    )
    batch.refresh_from_db()  # the dry run may already have run (the embedded profile)
    return Status(201, _out(batch, user))


@router.get(
    "/portfolio-imports/{import_id}",
    response={200: ImportOut, **ERRORS},
    summary="Un'importazione: stato, conteggi, avanzamento",
)
def get_portfolio_import(request, import_id: int):
    user = caller_with(request, "import_portfolio")
    return _out(selectors.get_batch_for(user, import_id), user)


@router.get(
    "/portfolio-imports/{import_id}/rows",
    response={200: list[RowOut], **ERRORS},
    summary="L'esito della verifica per riga e per campo",
)
def list_portfolio_import_rows(
    request, import_id: int, flagged_only: bool = True, limit: int = 50, offset: int = 0
):
    user = caller_with(request, "import_portfolio")
    batch = selectors.get_batch_for(user, import_id)
    rows = page(selectors.report_rows(batch, only_flagged=flagged_only), limit, offset)
    return [
        RowOut(
            number=row.number,
            outcome=row.outcome or "pending",
            errors=row.errors,
            warnings=row.warnings,
            outcome_message=row.outcome_message,
            practice_id=row.practice_id,
        )
        for row in rows
    ]


@router.post(
    "/portfolio-imports/{import_id}/confirm",
    response={200: ImportOut, **ERRORS},
    summary="Conferma: importa le righe senza errori, in background",
)
def confirm_portfolio_import(request, import_id: int, payload: VersionIn):
    user = caller_with(request, "import_portfolio")
    batch = services.confirm_import(
        actor=user, batch=selectors.get_batch_for(user, import_id), version=payload.version
    )
    batch.refresh_from_db()
    return _out(batch, user)


@router.post(
    "/portfolio-imports/{import_id}/cancel",
    response={200: ImportOut, **ERRORS},
    summary="Annulla: nulla è importato",
)
def cancel_portfolio_import(request, import_id: int, payload: VersionIn):
    user = caller_with(request, "import_portfolio")
    batch = services.cancel_import(
        actor=user, batch=selectors.get_batch_for(user, import_id), version=payload.version
    )
    return _out(batch, user)
