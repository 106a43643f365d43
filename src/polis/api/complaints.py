"""The API of the complaints register (reclami): the register, a complaint, its registration
by an operator and its actions (assign, forward to the insurer, answer)."""

from datetime import date
from decimal import Decimal
from typing import Literal

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from polis.accounts.models import Firm, User
from polis.api.auth import caller_with
from polis.api.schemas import ERRORS, page
from polis.catalog.models import Insurer
from polis.complaints import selectors, services
from polis.complaints.actions import ACTIONS
from polis.complaints.models import Category, Complaint
from polis.complaints.services import ComplaintData
from polis.core.errors import DomainError

router = Router()

CHANNELS = Literal[tuple(c for c in Complaint.Channel.values if c != Complaint.Channel.WEB)]
KINDS = Literal[tuple(Complaint.ComplainantKind.values)]
AGAINST = Literal[tuple(Complaint.Against.values)]
OUTCOMES = Literal[tuple(Complaint.Outcome.values)]


class ComplaintIn(Schema):
    channel: CHANNELS
    received_on: date
    complainant_name: str = Field(max_length=200)
    complainant_kind: KINDS
    complainant_email: str = Field("", max_length=254)
    complainant_address: str = Field("", max_length=300)
    complainant_tax_code: str = Field("", max_length=16)
    against: AGAINST
    firm_id: int | None = Field(None, description="L'intermediario, se against=collaborator.")
    insurer_id: int | None = Field(None, description="La compagnia, se against=insurer.")
    subject_detail: str = Field("", max_length=200)
    policy_ref: str = Field("", max_length=40)
    claim_ref: str = Field("", max_length=40)
    category: str = Field(description="Il codice della categoria.")
    text: str = Field(max_length=10_000)


class ComplaintOut(Schema):
    id: int
    number: str
    received_on: date
    channel: str
    complainant_name: str
    against: str
    firm_id: int | None
    insurer_id: int | None
    category: str
    status: str
    due_on: date = Field(
        description="Risposta entro 45 giorni dalla ricezione; inoltro alla compagnia entro "
        "2 giorni per i reclami che la riguardano."
    )
    days_left: int
    overdue: bool
    assigned_to_id: int | None
    outcome: str
    answered_on: date | None
    forwarded_on: date | None
    version: int


class ComplaintDetailOut(ComplaintOut):
    complainant_kind: str
    complainant_email: str
    subject_detail: str
    policy_ref: str
    claim_ref: str
    text: str
    answer: str
    amount: Decimal | None
    acknowledgement: str = Field(
        description="Lo stato della conferma di ricezione nella posta in uscita: pending (in "
        "coda), sent, failed; vuoto senza indirizzo e-mail."
    )
    answer_delivery: str
    allowed_actions: list[str] = Field(
        description="Le azioni possibili ora (answer, assign, forward), in ordine alfabetico."
    )


class ComplaintAssignIn(Schema):
    assignee_id: int
    version: int | None = None


class ComplaintForwardIn(Schema):
    to: str = Field(max_length=254, description="L'indirizzo reclami della compagnia.")
    version: int | None = None


class ComplaintAnswerIn(Schema):
    answer: str = Field(max_length=10_000)
    outcome: OUTCOMES
    amount: Decimal | None = None
    version: int | None = None


def _out(c: Complaint) -> dict:
    return {
        "id": c.pk,
        "number": c.number,
        "received_on": c.received_on,
        "channel": c.channel,
        "complainant_name": c.complainant_name,
        "against": c.against,
        "firm_id": c.firm_id,
        "insurer_id": c.insurer_id,
        "category": c.category.code,
        "status": c.status,
        "due_on": c.due_on,
        "days_left": c.days_left(),
        "overdue": c.is_overdue(),
        "assigned_to_id": c.assigned_to_id,
        "outcome": c.outcome,
        "answered_on": c.answered_on,
        "forwarded_on": c.forwarded_on,
        "version": c.version,
    }


def _detail(c: Complaint, user) -> ComplaintDetailOut:
    return ComplaintDetailOut(
        **_out(c),
        complainant_kind=c.complainant_kind,
        complainant_email=c.complainant_email,
        subject_detail=c.subject_detail,
        policy_ref=c.policy_ref,
        claim_ref=c.claim_ref,
        text=c.text,
        answer=c.answer,
        amount=c.amount,
        acknowledgement=c.acknowledgement.status if c.acknowledgement else "",
        answer_delivery=c.answer_message.status if c.answer_message else "",
        allowed_actions=sorted(ACTIONS.allowed(c, user)),
    )


@router.get(
    "/complaints",
    response={200: list[ComplaintOut], **ERRORS},
    summary="Registro dei reclami",
)
def list_complaints(request, open_only: bool = False, limit: int = 50, offset: int = 0):
    complaints = selectors.complaint_list(
        caller_with(request, "view_complaints"), open_only=open_only
    )
    return [_out(c) for c in page(complaints, limit, offset)]


@router.get(
    "/complaints/{complaint_id}",
    response={200: ComplaintDetailOut, **ERRORS},
    summary="Un reclamo",
)
def get_complaint(request, complaint_id: int):
    user = caller_with(request, "view_complaints")
    return _detail(selectors.get_complaint_for(user, complaint_id), user)


@router.post(
    "/complaints",
    response={201: ComplaintDetailOut, **ERRORS},
    summary="Registra un reclamo ricevuto per e-mail, PEC, lettera o fax",
)
def register_complaint(request, payload: ComplaintIn):
    user = caller_with(request, "handle_complaints")
    category = Category.objects.filter(code=payload.category, active=True).first()
    if category is None:
        raise DomainError("Categoria sconosciuta.", field="category")
    data = ComplaintData(
        complainant_name=payload.complainant_name,
        complainant_kind=payload.complainant_kind,
        complainant_email=payload.complainant_email,
        complainant_address=payload.complainant_address,
        complainant_tax_code=payload.complainant_tax_code,
        category=category,
        against=payload.against,
        firm=get_object_or_404(Firm, pk=payload.firm_id) if payload.firm_id else None,
        insurer=get_object_or_404(Insurer, pk=payload.insurer_id) if payload.insurer_id else None,
        subject_detail=payload.subject_detail,
        policy_ref=payload.policy_ref,
        claim_ref=payload.claim_ref,
        text=payload.text,
    )
    complaint = services.register_complaint(
        actor=user, data=data, channel=payload.channel, received_on=payload.received_on
    )
    return Status(201, _detail(complaint, user))


def _changed(request, complaint_id: int, change) -> ComplaintDetailOut:
    """A change to one complaint by the MGA's staff (`change(user, complaint)` calls the
    service), answered with the complaint as it is now."""
    user = caller_with(request, "handle_complaints")
    return _detail(change(user, selectors.get_complaint_for(user, complaint_id)), user)


@router.post(
    "/complaints/{complaint_id}/assign",
    response={200: ComplaintDetailOut, **ERRORS},
    summary="Assegna il reclamo a un operatore",
)
def assign_complaint(request, complaint_id: int, payload: ComplaintAssignIn):
    return _changed(
        request,
        complaint_id,
        lambda user, c: services.assign_complaint(
            actor=user,
            complaint=c,
            assignee=get_object_or_404(User, pk=payload.assignee_id),
            version=payload.version,
        ),
    )


@router.post(
    "/complaints/{complaint_id}/forward",
    response={200: ComplaintDetailOut, **ERRORS},
    summary="Inoltra alla compagnia un reclamo che la riguarda e avvisa il reclamante",
)
def forward_complaint(request, complaint_id: int, payload: ComplaintForwardIn):
    return _changed(
        request,
        complaint_id,
        lambda user, c: services.forward_complaint(
            actor=user, complaint=c, to=payload.to, version=payload.version
        ),
    )


@router.post(
    "/complaints/{complaint_id}/answer",
    response={200: ComplaintDetailOut, **ERRORS},
    summary="Rispondi al reclamante (con il diritto di rivolgersi all'IVASS e all'Arbitro)",
)
def answer_complaint(request, complaint_id: int, payload: ComplaintAnswerIn):
    return _changed(
        request,
        complaint_id,
        lambda user, c: services.answer_complaint(
            actor=user,
            complaint=c,
            answer=payload.answer,
            outcome=payload.outcome,
            amount=payload.amount,
            version=payload.version,
        ),
    )
