"""The API of the bordereaux to the insurers (Lloyd's CRS v5.2): the list, one bordereau with
its mandatory-field check, its files, and generating one. The MGA's staff only."""

from datetime import date, datetime
from typing import Literal

from django.http import Http404
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from polis.api.auth import caller_with
from polis.api.schemas import ERRORS, page
from polis.bordereaux import selectors, services
from polis.bordereaux.actions import ACTIONS
from polis.bordereaux.models import Bordereau

router = Router()

KINDS = Literal[tuple(Bordereau.Kind.values)]
STATUSES = Literal[tuple(Bordereau.Status.values)]
PARTS = Literal[services.PARTS]


class BordereauOut(Schema):
    id: int
    insurer_id: int
    insurer: str
    month: date = Field(description="Il primo giorno del mese.")
    kind: str = Field(description="risk (rischi e premi) o claims (sinistri).")
    status: str = Field(description="complete, o incomplete se mancano campi obbligatori.")
    rows: int
    missing: int = Field(description="Le celle obbligatorie vuote.")
    generated_at: datetime
    version: int


class MissingColumnOut(Schema):
    code: str
    header: str
    rows: int


class MissingCellOut(Schema):
    row: int = Field(description="La riga del file (la 1 è l'intestazione).")
    reference: str = Field(description="Il numero di polizza o di sinistro.")
    code: str
    header: str


class BordereauDetailOut(BordereauOut):
    missing_columns: list[MissingColumnOut]
    missing_sample: list[MissingCellOut] = Field(description="Le prime 200 celle vuote.")
    files: list[str] = Field(
        description="Le parti scaricabili: xlsx, csv e report se mancano campi."
    )
    allowed_actions: list[str]


class GenerateIn(Schema):
    insurer_id: int
    month: date = Field(description="Un giorno qualsiasi del mese.")
    kind: KINDS


def _out(b: Bordereau) -> BordereauOut:
    return BordereauOut(
        id=b.pk,
        insurer_id=b.insurer_id,
        insurer=b.insurer.name,
        month=b.month,
        kind=b.kind,
        status=b.status,
        rows=b.rows,
        missing=b.missing,
        generated_at=b.generated_at,
        version=b.version,
    )


def _detail(b: Bordereau, user) -> BordereauDetailOut:
    return BordereauDetailOut(
        **_out(b).dict(),
        missing_columns=[
            MissingColumnOut(code=code, header=header, rows=rows)
            for code, header, rows in selectors.missing_columns(b)
        ],
        missing_sample=[
            MissingCellOut(row=row, reference=reference, code=code, header=header)
            for row, reference, code, header in b.missing_sample
        ],
        files=[part for part in services.PARTS if getattr(b, f"{part}_id")],
        allowed_actions=sorted(ACTIONS.allowed(b, user)),
    )


@router.get(
    "/bordereaux",
    response={200: list[BordereauOut], **ERRORS},
    summary="Bordereaux alle compagnie",
)
def list_bordereaux(
    request,
    insurer_id: int | None = None,
    kind: KINDS | None = None,
    status: STATUSES | None = None,
    month: date | None = None,
    limit: int = 50,
    offset: int = 0,
):
    found = selectors.bordereau_list(
        caller_with(request, "report_to_insurers"),
        insurer_id=insurer_id,
        kind=kind or "",
        status=status or "",
        month=month,
    )
    return [_out(b) for b in page(found, limit, offset)]


@router.get(
    "/bordereaux/{bordereau_id}",
    response={200: BordereauDetailOut, **ERRORS},
    summary="Un bordereau, con il controllo dei campi obbligatori",
)
def get_bordereau(request, bordereau_id: int):
    user = caller_with(request, "report_to_insurers")
    return _detail(selectors.get_bordereau_for(user, bordereau_id), user)


@router.get(
    "/bordereaux/{bordereau_id}/{part}",
    response={**ERRORS},
    summary="Scarica il bordereau (xlsx, csv) o l'elenco dei campi mancanti (report)",
    openapi_extra={
        "responses": {
            200: {
                "description": "Il file.",
                "content": {
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
                    "text/csv": {},
                },
            }
        }
    },
)
def download_bordereau(request, bordereau_id: int, part: PARTS):
    user = caller_with(request, "report_to_insurers")
    bordereau = selectors.get_bordereau_for(user, bordereau_id)
    try:
        return services.download_bordereau(actor=user, bordereau=bordereau, part=part)
    except FileNotFoundError:
        raise Http404 from None


@router.post(
    "/bordereaux",
    response={200: BordereauDetailOut, **ERRORS},
    summary="Genera (o genera di nuovo) il bordereau di una compagnia per un mese",
)
def generate_bordereau(request, payload: GenerateIn):
    user = caller_with(request, "report_to_insurers")
    insurer = selectors.insurers().filter(pk=payload.insurer_id).first()
    if insurer is None:
        raise HttpError(404, "Compagnia non trovata.")
    made = services.generate_bordereau(
        actor=user, insurer=insurer, month=payload.month, kind=payload.kind
    )
    return _detail(made, user)
