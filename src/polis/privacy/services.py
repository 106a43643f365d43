"""Data-subject requests (GDPR art. 15–22): registered, extended, exported and answered."""

from __future__ import annotations

import datetime
import hashlib
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from polis.audit.services import record_audit
from polis.clients.models import Client
from polis.clients.services import erase_client, restrict_client, withdraw_marketing_consent
from polis.core.access import MGA_STAFF, OPERATOR, require
from polis.core.errors import DomainError, PermissionDenied
from polis.core.retention import is_held, record_classes
from polis.documents.models import StoredFile
from polis.documents.services import delete_files, open_download, store_file
from polis.lifecycle import lock, save_versioned, transition
from polis.notify.recipients import role_emails
from polis.notify.services import queue_email
from polis.privacy.audit import PrivacyAudit
from polis.privacy.export import build_export, export_json, export_pdf
from polis.privacy.models import DataSubjectRequest, add_months

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import FileResponse

    from polis.accounts.models import User

S = DataSubjectRequest.Status
LINK_SALT = "polis.privacy.export"
REGISTER_NOTE = gettext_lazy(
    "Il registro delle richieste conserva soltanto le impronte (SHA-256) dei dati esportati, "
    "non i dati: non contiene nulla da cancellare."
)

LEGAL_HOLD = gettext_lazy(
    "blocco legale: i dati restano conservati finché è in corso un contenzioso, un reclamo o "
    "una richiesta dell'autorità"
)


def _check_client(actor: User, client: Client) -> None:
    require(actor, "handle_privacy_requests")
    if actor.role not in MGA_STAFF and client.firm_id != actor.firm_id:
        raise PermissionDenied(_("Non hai i permessi per questo cliente."))


def register_request(
    *,
    actor: User,
    client: Client,
    kind: str,
    channel: str,
    received_on: datetime.date,
    identity_check: str,
    details: str = "",
) -> DataSubjectRequest:
    """Register a client's request; its deadline is one month from the day it was received."""
    _check_client(actor, client)
    if received_on > timezone.localdate():
        raise DomainError(_("La data di ricezione non può essere futura."), field="received_on")
    if not identity_check.strip():
        raise DomainError(
            _("Indica come è stata verificata l'identità del richiedente."), field="identity_check"
        )
    with transaction.atomic():
        request = DataSubjectRequest.objects.create(
            firm_id=client.firm_id,
            client=client,
            kind=kind,
            channel=channel,
            received_on=received_on,
            identity_check=identity_check.strip(),
            details=details.strip(),
            due_on=add_months(received_on, DataSubjectRequest.MONTHS),
            created_by=actor,
        )
        record_audit(
            actor=actor,
            action=PrivacyAudit.RECEIVED,
            target=request,
            data={"kind": kind, "channel": channel, "due_on": request.due_on.isoformat()},
        )
        return request


def extend_deadline(
    *, actor: User, request: DataSubjectRequest, reason: str, version: int | None = None
) -> DataSubjectRequest:
    """Extend the deadline by two months (art. 12(3)): only within the first month, with the
    reason sent to the person."""
    _check_client(actor, request.client)
    if not reason.strip():
        raise DomainError(_("Scrivi il motivo della proroga: sarà inviato all'interessato."))
    with transaction.atomic():
        request = lock(request, version)
        if request.status == S.RECEIVED and request.due_on < timezone.localdate():
            raise DomainError(
                _("La proroga va comunicata entro il primo mese: il termine è scaduto.")
            )
        request.extension_reason = reason.strip()
        request.due_on = add_months(
            request.received_on, DataSubjectRequest.MONTHS + DataSubjectRequest.EXTENSION_MONTHS
        )
        transition(
            request,
            S.EXTENDED,
            actor=actor,
            fields=("extension_reason", "due_on"),
            data={"due_on": request.due_on.isoformat()},
        )
        queue_email(
            to=request.client.email,
            template="privacy_extended",
            context={"request": request},
        )
        return request


def export_link(request: DataSubjectRequest, part: str, base_url: str) -> str:
    """The signed link to one part ("json" or "pdf") of the request's latest export; it opens
    for `PRIVACY_EXPORT_LINK_DAYS` and only while that export is the latest."""
    sha = request.export_json_sha256 if part == "json" else request.export_pdf_sha256
    token = signing.dumps({"r": request.pk, "p": part, "h": sha[:16]}, salt=LINK_SALT)
    return base_url + reverse("privacy:export_download", args=[token])


def request_for_link(token: str) -> tuple[DataSubjectRequest, str] | None:
    """The request and part a link names, or None when it is forged, expired or superseded."""
    try:
        payload = signing.loads(
            token,
            salt=LINK_SALT,
            max_age=datetime.timedelta(days=settings.PRIVACY_EXPORT_LINK_DAYS),
        )
    except signing.BadSignature:
        return None
    request = (
        DataSubjectRequest.objects.select_related("export_json", "export_pdf")
        .filter(pk=payload["r"])
        .first()
    )
    if request is None or payload["p"] not in ("json", "pdf"):
        return None
    sha = request.export_json_sha256 if payload["p"] == "json" else request.export_pdf_sha256
    if request.export_json_id is None or not sha or sha[:16] != payload["h"]:
        return None
    return request, payload["p"]


def send_export(
    *, actor: User, request: DataSubjectRequest, base_url: str, version: int | None = None
) -> DataSubjectRequest:
    """Export everything polis holds about the client (JSON and PDF), keep their hashes in the
    register and e-mail the person a signed link that expires. The export holds his claims'
    health data: it goes to him only, never to the page of who registered the request."""
    _check_client(actor, request.client)
    if not request.wants_export:
        raise DomainError(_("L'esportazione risponde alle richieste di accesso e di portabilità."))
    with transaction.atomic():
        request = lock(request, version)
        if not request.is_open:
            raise DomainError(_("La richiesta è già evasa."))
        _forget_files(request)
        data = build_export(request.client)
        as_json, as_pdf = export_json(data), export_pdf(data)
        request.export_json = store_file(actor=actor, validated=as_json)
        request.export_pdf = store_file(actor=actor, validated=as_pdf)
        request.export_json_sha256, request.export_pdf_sha256 = as_json.sha256, as_pdf.sha256
        request.exported_at = timezone.now()
        save_versioned(
            request,
            "export_json",
            "export_pdf",
            "export_json_sha256",
            "export_pdf_sha256",
            "exported_at",
        )
        record_audit(
            actor=actor,
            action=PrivacyAudit.EXPORTED,
            target=request,
            data={"json_sha256": as_json.sha256, "pdf_sha256": as_pdf.sha256},
        )
        queue_email(
            to=request.client.email,
            template="privacy_export",
            context={
                "request": request,
                "json_url": export_link(request, "json", base_url),
                "pdf_url": export_link(request, "pdf", base_url),
                "days": settings.PRIVACY_EXPORT_LINK_DAYS,
            },
        )
        return request


def retention_duties(client: Client) -> list[str]:
    """The retention duties that still keep some of the client's records, as sentences: the
    record classes the domains registered (polis.core.retention) that hold one of his records
    within its period, and a legal hold (a dispute, a complaint, an authority's request)."""
    today = timezone.localdate()
    duties = [
        record_class.duty()
        for record_class in record_classes()
        if record_class.keeps is not None
        and record_class.keeps(client.pk, record_class.cutoff(today))
    ]
    if is_held(client.pk):
        duties.append(str(LEGAL_HOLD))
    return duties


def answer_request(
    *, actor: User, request: DataSubjectRequest, answer: str, version: int | None = None
) -> DataSubjectRequest:
    """Answer the request and close it, sending the answer to the person.

    Access and portability need the export sent first. An objection withdraws the consent to
    marketing (art. 21(3)); an objection to other processing is answered in the text. Erasure
    and restriction are applied when no retention duty holds; otherwise they are refused and
    the answer names each duty. The answer of an erasure says that the register keeps only
    hashes. The audit keeps the answer's hash, not its text.
    """
    _check_client(actor, request.client)
    with transaction.atomic():
        request = lock(request, version)
        if request.wants_export and not request.exported_at:
            raise DomainError(_("Prepara e invia prima l'esportazione dei dati."))
        parts = [answer.strip()] if answer.strip() else []
        outcome = DataSubjectRequest.Outcome.FULFILLED
        recipient = request.client.email
        if request.wants_erasure:
            if duties := retention_duties(request.client):
                outcome = DataSubjectRequest.Outcome.REFUSED
                parts.append(_("La legge ci obbliga a conservare ancora questi dati:"))
                parts += [f"- {duty}" for duty in duties]
            elif request.kind == DataSubjectRequest.Kind.ERASURE:
                erase_client(actor=actor, client=request.client)
                parts.append(_("I tuoi dati personali sono stati cancellati."))
            else:
                restrict_client(actor=actor, client=request.client)
                parts.append(_("Il trattamento dei tuoi dati è stato limitato."))
        if request.kind == DataSubjectRequest.Kind.OBJECTION:
            withdraw_marketing_consent(actor=actor, client=request.client)
            parts.append(_("Non riceverai più comunicazioni commerciali."))
        if request.kind == DataSubjectRequest.Kind.ERASURE:
            parts.append(str(REGISTER_NOTE))
        if not parts:
            raise DomainError(_("Scrivi la risposta all'interessato."), field="answer")
        request.answer = "\n".join(parts)
        request.outcome = outcome
        request.answered_on = timezone.localdate()
        transition(
            request,
            S.ANSWERED,
            actor=actor,
            fields=("answer", "outcome", "answered_on"),
            data={
                "outcome": outcome,
                "answer_sha256": hashlib.sha256(request.answer.encode()).hexdigest(),
            },
        )
        queue_email(to=recipient, template="privacy_answer", context={"request": request})
        return request


def open_export(*, request: DataSubjectRequest, part: str) -> FileResponse:
    """The person's download through his link, audited."""
    stored = request.export_json if part == "json" else request.export_pdf
    with transaction.atomic():
        record_audit(
            actor=None, action=PrivacyAudit.DOWNLOADED, target=request, data={"part": part}
        )
    return open_download(actor=None, stored=stored)


def send_overdue_report() -> int:
    """Daily: e-mail the operators the open requests past their deadline (by number, kind and
    date: no names in the e-mail); returns how many."""
    overdue = list(
        DataSubjectRequest.objects.filter(
            status__in=DataSubjectRequest.OPEN, due_on__lt=timezone.localdate()
        ).order_by("due_on", "pk")
    )
    if overdue:
        with transaction.atomic():
            for email in role_emails(OPERATOR):
                queue_email(to=email, template="privacy_overdue", context={"requests": overdue})
    return len(overdue)


def _forget_files(request: DataSubjectRequest) -> None:
    """Delete the request's export files (the rows now, the bytes once the transaction
    commits); the register keeps their hashes."""
    files = [f for f in (request.export_json, request.export_pdf) if f is not None]
    if not files:
        return
    request.export_json = request.export_pdf = None
    request.save(update_fields=["export_json", "export_pdf"])
    delete_files(files)


def forget_expired_exports() -> int:
    """Daily: the files of the exports whose link has expired are deleted, so that polis keeps
    no copy of what it sent; returns how many exports."""
    cutoff = timezone.now() - datetime.timedelta(days=settings.PRIVACY_EXPORT_LINK_DAYS)
    expired = DataSubjectRequest.objects.filter(
        exported_at__lt=cutoff, export_json__isnull=False
    ).select_related("export_json", "export_pdf")
    count = 0
    for request in expired.iterator(chunk_size=100):
        with transaction.atomic():
            _forget_files(request)
        count += 1
    return count


def delete_requests(requests: QuerySet[DataSubjectRequest]) -> int:
    """The retention job (`polis.privacy.retention`): delete answered requests and their
    exports (the files once the transaction commits)."""
    files = list(
        StoredFile.objects.filter(pk__in=requests.values("export_json_id"))
        | StoredFile.objects.filter(pk__in=requests.values("export_pdf_id"))
    )
    count, _by_model = requests.delete()
    delete_files(files)
    return count
