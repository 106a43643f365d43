"""The complaints register (reclami, Reg. ISVAP 24/2008 as amended by Provv. IVASS 46/2016):
registered, acknowledged, assigned, forwarded to the insurer or answered within 45 days."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from polis.accounts.selectors import role_emails
from polis.audit.services import record_audit
from polis.complaints.audit import ComplaintAudit
from polis.complaints.models import RIGHTS_NOTICE, Category, Complaint, due_date
from polis.complaints.selectors import due_complaints
from polis.core.access import MGA_STAFF, OPERATOR, require
from polis.core.errors import DomainError
from polis.core.numbering import formatted_number
from polis.documents.services import store_upload
from polis.lifecycle import lock, transition
from polis.notify.services import queue_email

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from polis.accounts.models import Firm, User
    from polis.catalog.models import Insurer
    from polis.notify.models import OutboundMessage

S = Complaint.Status


@dataclass(frozen=True)
class ComplaintData:
    """What a complaint says, however it arrived."""

    complainant_name: str
    complainant_kind: str
    complainant_email: str
    category: Category
    against: str
    text: str
    complainant_address: str = ""
    complainant_tax_code: str = ""
    firm: Firm | None = None
    insurer: Insurer | None = None
    subject_detail: str = ""
    policy_ref: str = ""
    claim_ref: str = ""


def _tell_complainant(complaint: Complaint, template: str) -> OutboundMessage | None:
    """The e-mail `template` to the complainant, in his language and with his right to go to
    IVASS and to the Arbitro Assicurativo; None when he gave no address (he gets it by post)."""
    if not complaint.complainant_email:
        return None
    return queue_email(
        to=complaint.complainant_email,
        template=template,
        context={"complaint": complaint, "rights": RIGHTS_NOTICE},
        language=complaint.language,
    )


def _register(
    *,
    actor: User | None,
    data: ComplaintData,
    channel: str,
    received_on: datetime.date,
    files: Iterable[UploadedFile],
    language: str,
) -> Complaint:
    if received_on > timezone.localdate():
        raise DomainError(_("La data di ricezione non può essere futura."), field="received_on")
    if not data.text.strip():
        raise DomainError(_("Scrivi il testo del reclamo."), field="text")
    if data.against == Complaint.Against.INSURER and data.insurer is None:
        raise DomainError(_("Indica la compagnia."), field="insurer")
    if channel == Complaint.Channel.WEB and not data.complainant_email:
        raise DomainError(
            _("Indica l'e-mail a cui ricevere la risposta."), field="complainant_email"
        )
    with transaction.atomic():
        complaint = Complaint.objects.create(
            number=formatted_number("REC", received_on.year, digits=5),
            received_on=received_on,
            channel=channel,
            language=language,
            due_on=due_date(received_on, data.against),
            created_by=actor,
            **{
                **data.__dict__,
                "text": data.text.strip(),
                "complainant_tax_code": data.complainant_tax_code.strip().upper(),
                "firm": data.firm if data.against == Complaint.Against.COLLABORATOR else None,
                "insurer": data.insurer if data.against == Complaint.Against.INSURER else None,
            },
        )
        stored = [store_upload(actor=actor, name=f.name, data=f.read()) for f in files]
        complaint.attachments.set(stored)
        complaint.acknowledgement = _tell_complainant(complaint, "complaint_received")
        if complaint.acknowledgement is not None:
            complaint.save(update_fields=["acknowledgement"])
        record_audit(
            actor=actor,
            action=ComplaintAudit.RECEIVED,
            target=complaint,
            data={"channel": channel, "against": data.against, "due_on": str(complaint.due_on)},
        )
        for email in role_emails(OPERATOR):
            queue_email(to=email, template="complaint_to_handle", context={"complaint": complaint})
        return complaint


def submit_complaint(
    *, data: ComplaintData, files: Iterable[UploadedFile] = (), language: str
) -> Complaint:
    """A complaint through the public form (no login): registered as received today, and
    acknowledged to the complainant in the language he wrote in."""
    return _register(
        actor=None,
        data=data,
        channel=Complaint.Channel.WEB,
        received_on=timezone.localdate(),
        files=files,
        language=language,
    )


def register_complaint(
    *,
    actor: User,
    data: ComplaintData,
    channel: str,
    received_on: datetime.date,
    files: Iterable[UploadedFile] = (),
) -> Complaint:
    """An operator registers a complaint that came by e-mail, PEC, letter or fax, with the day
    it was received: the 45 days run from that day, not from the registration."""
    require(actor, "handle_complaints")
    return _register(
        actor=actor,
        data=data,
        channel=channel,
        received_on=received_on,
        files=files,
        language=settings.LANGUAGE_CODE,
    )


def assign_complaint(
    *, actor: User, complaint: Complaint, assignee: User, version: int | None = None
) -> Complaint:
    """Give the complaint to an operator, who answers it (or forwards it)."""
    require(actor, "handle_complaints")
    if not (assignee.is_active and assignee.role in MGA_STAFF):
        raise DomainError(_("Il reclamo si assegna a un operatore dell'MGA."), field="assignee")
    with transaction.atomic():
        complaint = lock(complaint, version)
        complaint.assigned_to = assignee
        transition(
            complaint,
            S.ASSIGNED,
            actor=actor,
            fields=("assigned_to",),
            data={"assignee": assignee.pk},
        )
        return complaint


def forward_complaint(
    *, actor: User, complaint: Complaint, to: str, version: int | None = None
) -> Complaint:
    """A complaint about an insurer goes to it, with its attachments, and the complainant is
    told that the insurer will answer (brief §6: "forwards it without delay and tells the
    complainant")."""
    require(actor, "handle_complaints")
    if not to.strip():
        raise DomainError(_("Indica l'indirizzo reclami della compagnia."), field="to")
    with transaction.atomic():
        complaint = lock(complaint, version)
        if not complaint.to_forward:
            raise DomainError(_("Si inoltrano alla compagnia solo i reclami che la riguardano."))
        complaint.forwarded_on = timezone.localdate()
        complaint.forwarded_to = to.strip()
        complaint.forward_message = queue_email(
            to=complaint.forwarded_to,
            template="complaint_forwarded",
            context={"complaint": complaint},
            attachments=complaint.attachments.all(),
        )
        complaint.forward_notice = _tell_complainant(complaint, "complaint_forwarded_notice")
        transition(
            complaint,
            S.FORWARDED,
            actor=actor,
            fields=("forwarded_on", "forwarded_to", "forward_message", "forward_notice"),
        )
        return complaint


def answer_complaint(
    *,
    actor: User,
    complaint: Complaint,
    answer: str,
    outcome: str,
    amount: Decimal | None = None,
    version: int | None = None,
) -> Complaint:
    """Answer the complaint and close it. The e-mail to the complainant carries the answer and
    his right to go to IVASS and to the Arbitro Assicurativo; a complaint received without an
    e-mail address is answered by post with the same text, printed from its page."""
    require(actor, "handle_complaints")
    if not answer.strip():
        raise DomainError(_("Scrivi la risposta al reclamante."), field="answer")
    if outcome not in Complaint.Outcome.values:
        raise DomainError(_("Indica l'esito del reclamo."), field="outcome")
    with transaction.atomic():
        complaint = lock(complaint, version)
        complaint.answer = answer.strip()
        complaint.outcome = outcome
        complaint.amount = amount
        complaint.answered_on = timezone.localdate()
        complaint.answer_message = _tell_complainant(complaint, "complaint_answer")
        transition(
            complaint,
            S.ANSWERED,
            actor=actor,
            fields=("answer", "outcome", "amount", "answered_on", "answer_message"),
            data={"outcome": outcome, "days": complaint.days_elapsed},
        )
        return complaint


def send_due_report(today: datetime.date | None = None) -> int:
    """Daily: e-mail the operators the open complaints past their deadline or within its last
    15 days (from the 30th day after receipt), by number and date only: no names in the
    e-mail. Returns how many."""
    today = today or timezone.localdate()
    due = list(due_complaints(today))
    if due:
        overdue = [c for c in due if c.due_on < today]
        near = [c for c in due if c.due_on >= today]
        with transaction.atomic():
            for email in role_emails(OPERATOR):
                queue_email(
                    to=email,
                    template="complaints_due",
                    context={"overdue": overdue, "near": near, "today": today},
                )
    return len(due)
