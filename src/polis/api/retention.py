"""The API of retention for the MGA's staff: the nightly job's reports (what was purged, under
which class, period and start event) and the legal holds that stop the clock."""

from datetime import date, datetime
from typing import Literal

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from polis.api.auth import caller_with
from polis.api.schemas import ERRORS, page
from polis.clients.selectors import get_client_for
from polis.retention import selectors, services
from polis.retention.actions import ACTIONS
from polis.retention.models import LegalHold, PurgeRun

router = Router()


class PurgeLineOut(Schema):
    record_class: str
    title: str
    action: str = Field(description="delete, pseudonymise o keep.")
    months: int
    start_event: str
    source: str
    unconfirmed: bool = Field(description="Termine o decorrenza da confermare.")
    cutoff: date = Field(description="Trattati i record con evento di decorrenza anteriore.")
    count: int
    batches: int
    longest_batch_ms: int


class PurgeRunOut(Schema):
    id: int
    as_of: date
    started_at: datetime
    finished_at: datetime | None
    held_clients: int
    lines: list[PurgeLineOut]


class HoldIn(Schema):
    client_id: int
    reason: Literal[tuple(LegalHold.Reason.values)]
    reference: str = Field(max_length=100)
    note: str = Field("", max_length=2000)


class HoldOut(Schema):
    id: int
    client_id: int
    reason: str
    reference: str
    status: str
    placed_at: datetime
    released_at: datetime | None
    allowed_actions: list[str]


def _run(run: PurgeRun) -> PurgeRunOut:
    return PurgeRunOut(
        id=run.pk,
        as_of=run.as_of,
        started_at=run.started_at,
        finished_at=run.finished_at,
        held_clients=run.held_clients,
        lines=[PurgeLineOut.from_orm(line) for line in run.lines.all()],
    )


def _hold(hold: LegalHold, user) -> HoldOut:
    return HoldOut(
        id=hold.pk,
        client_id=hold.client_id,
        reason=hold.reason,
        reference=hold.reference,
        status=hold.status,
        placed_at=hold.placed_at,
        released_at=hold.released_at,
        allowed_actions=sorted(ACTIONS.allowed(hold, user)),
    )


@router.get(
    "/retention/runs",
    response={200: list[PurgeRunOut], **ERRORS},
    summary="Esecuzioni del job di conservazione, dalla più recente",
)
def list_retention_runs(request, limit: int = 20, offset: int = 0):
    runs = selectors.runs_visible_to(request.auth).prefetch_related("lines")
    return [_run(run) for run in page(runs, limit, offset)]


@router.get(
    "/retention/runs/{run_id}",
    response={200: PurgeRunOut, **ERRORS},
    summary="Il rapporto di un'esecuzione: che cosa, quanto e perché",
)
def get_retention_run(request, run_id: int):
    return _run(get_object_or_404(selectors.runs_visible_to(request.auth), pk=run_id))


@router.post(
    "/retention/holds",
    response={201: HoldOut, **ERRORS},
    summary="Disponi un blocco legale sui dati di un cliente",
)
def place_legal_hold(request, payload: HoldIn):
    user = caller_with(request, "manage_retention")  # before the client is looked up: 403, not 404
    hold = services.place_hold(
        actor=user,
        client=get_client_for(user, payload.client_id),
        reason=payload.reason,
        reference=payload.reference,
        note=payload.note,
    )
    return Status(201, _hold(hold, user))


@router.post(
    "/retention/holds/{hold_id}/release",
    response={200: HoldOut, **ERRORS},
    summary="Revoca un blocco legale",
)
def release_legal_hold(request, hold_id: int):
    user = request.auth
    hold = get_object_or_404(selectors.holds_visible_to(user), pk=hold_id)
    return _hold(services.release_hold(actor=user, hold=hold), user)
