"""The API of data-subject requests (GDPR art. 15–22): the register, a request, and its
actions. The export itself never travels through the API: it reaches the person by e-mail."""

from datetime import date
from typing import Literal

from ninja import Field, Router, Schema, Status

from polis.api.auth import UserSession, caller_with
from polis.api.schemas import ERRORS, page
from polis.clients.selectors import get_client_for
from polis.core.links import base_url
from polis.privacy import selectors, services
from polis.privacy.actions import ACTIONS
from polis.privacy.models import DataSubjectRequest

# Session only: a data-subject request is handled by a person, never by a key.
router = Router(auth=[UserSession("view_quotes")])

KINDS = Literal[tuple(DataSubjectRequest.Kind.values)]
CHANNELS = Literal[tuple(DataSubjectRequest.Channel.values)]


class PrivacyRequestIn(Schema):
    client_id: int
    kind: KINDS
    channel: CHANNELS
    received_on: date
    identity_check: str = Field(max_length=200, description="Come è stata verificata l'identità.")
    details: str = Field("", max_length=2000)


class PrivacyRequestOut(Schema):
    id: int
    client_id: int
    kind: str
    channel: str
    received_on: date
    due_on: date = Field(description="Un mese dalla ricezione; tre se prorogata (art. 12.3).")
    overdue: bool
    status: str
    outcome: str
    answered_on: date | None
    export_json_sha256: str = Field(description="Il registro conserva solo le impronte.")
    export_pdf_sha256: str
    version: int


class PrivacyRequestDetailOut(PrivacyRequestOut):
    answer: str
    extension_reason: str
    allowed_actions: list[str] = Field(
        description="Le azioni possibili ora (answer, export, extend), in ordine alfabetico."
    )


class ExtendIn(Schema):
    reason: str = Field(max_length=2000, description="Inviato all'interessato.")
    version: int | None = None


class AnswerIn(Schema):
    answer: str = Field("", max_length=5000)
    version: int | None = None


class VersionIn(Schema):
    version: int | None = None


def _out(dsr: DataSubjectRequest) -> PrivacyRequestOut:
    return PrivacyRequestOut(
        id=dsr.pk,
        client_id=dsr.client_id,
        kind=dsr.kind,
        channel=dsr.channel,
        received_on=dsr.received_on,
        due_on=dsr.due_on,
        overdue=dsr.is_overdue(),
        status=dsr.status,
        outcome=dsr.outcome,
        answered_on=dsr.answered_on,
        export_json_sha256=dsr.export_json_sha256,
        export_pdf_sha256=dsr.export_pdf_sha256,
        version=dsr.version,
    )


def _detail(dsr: DataSubjectRequest, user) -> PrivacyRequestDetailOut:
    return PrivacyRequestDetailOut(
        **_out(dsr).dict(),
        answer=dsr.answer,
        extension_reason=dsr.extension_reason,
        allowed_actions=sorted(ACTIONS.allowed(dsr, user)),
    )


@router.get(
    "/privacy-requests",
    response={200: list[PrivacyRequestOut], **ERRORS},
    summary="Registro delle richieste degli interessati",
)
def list_privacy_requests(request, open_only: bool = False, limit: int = 50, offset: int = 0):
    requests = selectors.request_list(
        caller_with(request, "handle_privacy_requests"), open_only=open_only
    )
    return [_out(dsr) for dsr in page(requests, limit, offset)]


@router.get(
    "/privacy-requests/{request_id}",
    response={200: PrivacyRequestDetailOut, **ERRORS},
    summary="Una richiesta dell'interessato",
)
def get_privacy_request(request, request_id: int):
    user = caller_with(request, "handle_privacy_requests")
    return _detail(selectors.get_request_for(user, request_id), user)


@router.post(
    "/privacy-requests",
    response={201: PrivacyRequestDetailOut, **ERRORS},
    summary="Registra una richiesta dell'interessato",
)
def register_privacy_request(request, payload: PrivacyRequestIn):
    user = caller_with(request, "handle_privacy_requests")
    dsr = services.register_request(
        actor=user,
        client=get_client_for(user, payload.client_id),
        kind=payload.kind,
        channel=payload.channel,
        received_on=payload.received_on,
        identity_check=payload.identity_check,
        details=payload.details,
    )
    return Status(201, _detail(dsr, user))


def _changed(request, request_id: int, change) -> PrivacyRequestDetailOut:
    """A change to one request (`change(user, dsr)` calls the service), answered with the
    request as it is now."""
    user = caller_with(request, "handle_privacy_requests")
    return _detail(change(user, selectors.get_request_for(user, request_id)), user)


@router.post(
    "/privacy-requests/{request_id}/extend",
    response={200: PrivacyRequestDetailOut, **ERRORS},
    summary="Proroga di due mesi, con il motivo inviato all'interessato",
)
def extend_privacy_request(request, request_id: int, payload: ExtendIn):
    return _changed(
        request,
        request_id,
        lambda user, dsr: services.extend_deadline(
            actor=user, request=dsr, reason=payload.reason, version=payload.version
        ),
    )


@router.post(
    "/privacy-requests/{request_id}/export",
    response={200: PrivacyRequestDetailOut, **ERRORS},
    summary="Prepara l'esportazione e inviala all'interessato con un link a scadenza",
)
def export_privacy_request(request, request_id: int, payload: VersionIn):
    link_base = base_url(request)
    return _changed(
        request,
        request_id,
        lambda user, dsr: services.send_export(
            actor=user, request=dsr, base_url=link_base, version=payload.version
        ),
    )


@router.post(
    "/privacy-requests/{request_id}/answer",
    response={200: PrivacyRequestDetailOut, **ERRORS},
    summary="Rispondi all'interessato e chiudi la richiesta",
)
def answer_privacy_request(request, request_id: int, payload: AnswerIn):
    return _changed(
        request,
        request_id,
        lambda user, dsr: services.answer_request(
            actor=user, request=dsr, answer=payload.answer, version=payload.version
        ),
    )
