"""FEA by SMS code (DESIGN §6, DPCM 22/02/2013 artt. 56-57).

Staff create, re-send and void requests; the signer acts through the e-mailed link only
(`token`), with every step kept as append-only evidence. The owning domain learns the outcome
through its registered handler (registry.py), in the same transaction.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from polis.audit.services import record_audit
from polis.core.access import COLLABORATOR, require
from polis.core.errors import DomainError, PermissionDenied
from polis.documents.pdf import render_pdf
from polis.documents.services import store_file, store_upload
from polis.documents.validation import PDF, ValidatedFile
from polis.ledger.services import record_event
from polis.lifecycle import transition
from polis.notify.recipients import firm_emails
from polis.notify.services import queue_email, queue_sms
from polis.signatures import pades
from polis.signatures.models import Evidence, SignatureCode, SignatureRequest, Signer
from polis.signatures.registry import handler_for
from polis.signatures.selectors import hash_token, request_by_token

if TYPE_CHECKING:
    from polis.accounts.models import Firm, User
    from polis.documents.models import StoredFile

# The versioned text the signer accepts (templates/signatures/_declarations.html).
DECLARATIONS_VERSION = "2026-11"

Status = SignatureRequest.Status


@dataclass(frozen=True)
class SignerData:
    """Who signs, as the client record has it."""

    name: str
    codice_fiscale: str
    email: str
    mobile: str


@dataclass(frozen=True)
class Visit:
    """Where a signer's step came from, for the evidence."""

    ip: str | None
    user_agent: str


class LinkUnusable(DomainError):
    """The link is unknown, expired, voided, declined or locked."""


def _hash_code(request: SignatureRequest, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{request.uuid}:{code}".encode(), hashlib.sha256).hexdigest()


def _evidence(
    request: SignatureRequest, kind: str, visit: Visit | None = None, **data: object
) -> None:
    Evidence.objects.create(
        request=request,
        kind=kind,
        at=timezone.now(),
        ip=visit.ip if visit else None,
        user_agent=(visit.user_agent[:300] if visit else ""),
        data=data,
    )


def _token(request: SignatureRequest) -> str:
    mac = hmac.new(
        settings.SECRET_KEY.encode(), f"signature-link:{request.link_nonce}".encode(), "sha256"
    )
    return base64.urlsafe_b64encode(mac.digest()).rstrip(b"=").decode()


def signing_url(request: SignatureRequest, base_url: str = "") -> str:
    """The signer's link, on `base_url` (the address of the web request that builds it) or, for
    background jobs, on SITE_URL."""
    site = (base_url or settings.SITE_URL).rstrip("/")
    return site + reverse("signatures:sign", args=[_token(request)])


# What _send_link changes on the request.
_LINK_FIELDS = ("link_nonce", "token_hash", "sent_at", "expires_at")


def _send_link(request: SignatureRequest, base_url: str = "") -> str:
    """A new link for `request` (the previous one stops working), e-mailed; its token."""
    request.link_nonce = secrets.token_hex(16)
    token = _token(request)
    now = timezone.now()
    request.token_hash = hash_token(token)
    request.sent_at = now
    request.expires_at = now + timedelta(days=settings.SIGNATURE_LINK_DAYS)
    subject = handler_for(request.subject_kind)
    queue_email(
        to=request.signer_email,
        template=subject.request_template,
        context={
            "request": request,
            "url": signing_url(request, base_url),
            **subject.context_for(request),
        },
    )
    return token


def _tell_firm(request: SignatureRequest, template: str) -> None:
    for email in firm_emails(request.firm_id):
        queue_email(to=email, template=template, context={"request": request})


def _own(actor: User, request_or_firm_id: SignatureRequest | int) -> None:
    firm_id = getattr(request_or_firm_id, "firm_id", request_or_firm_id)
    if actor.role == COLLABORATOR and actor.firm_id != firm_id:
        raise PermissionDenied(_("Non hai i permessi per questa firma."))


def create_signature_request(
    *,
    actor: User,
    firm: Firm,
    subject_kind: str,
    subject_id: int,
    title: str,
    document: StoredFile,
    signer: SignerData,
    identity_document: StoredFile | None = None,
    identity_attested: bool = False,
    earlier_identification: SignatureRequest | None = None,
    base_url: str = "",
) -> SignatureRequest:
    """Send `document` (a PDF the platform generated) to `signer` for an FEA signature.

    Either the person sending attests that they identified the signer with `identity_document`,
    or `earlier_identification` (a signed request of the same signer) is reused: then the
    evidence names who attested it there, and when, and that nobody identified the signer again.
    The link is built on `base_url` (the address the sender is using) or SITE_URL. The
    returned request carries the new link's token in `.link_token` (never stored).
    """
    require(actor, "manage_signatures")
    _own(actor, firm.pk)
    if earlier_identification is not None:
        if (
            earlier_identification.status != Status.SIGNED
            or earlier_identification.signer.codice_fiscale != signer.codice_fiscale.upper()
        ):
            raise DomainError(_("L'identificazione da riprendere non è di questo firmatario."))
        identity_document = earlier_identification.identity_document
    elif not identity_attested:
        raise DomainError(
            _("Conferma di aver identificato il firmatario con un documento d'identità valido."),
            field="identity_attested",
        )
    if identity_document is None:
        raise DomainError(
            _("Serve il documento d'identità del firmatario."), field="identity_document"
        )
    if not signer.mobile or not signer.email:
        raise DomainError(
            _("Il cliente deve avere e-mail e cellulare in anagrafica per firmare con FEA.")
        )
    if document.content_type != PDF:
        raise DomainError(_("Si può firmare solo un PDF generato dalla piattaforma."))
    with transaction.atomic():
        person, _created = Signer.objects.select_for_update().get_or_create(
            codice_fiscale=signer.codice_fiscale.upper()
        )
        if person.withdrawn_at is not None:
            raise DomainError(
                _("Il cliente ha revocato il consenso alla firma elettronica avanzata.")
            )
        if SignatureRequest.objects.filter(
            subject_kind=subject_kind, subject_id=subject_id, status__in=SignatureRequest.OPEN
        ).exists():
            raise DomainError(_("C'è già una richiesta di firma aperta per questo documento."))
        request = SignatureRequest(
            created_at=timezone.now(),
            firm=firm,
            subject_kind=subject_kind,
            subject_id=subject_id,
            title=title,
            document=document,
            signer=person,
            signer_name=signer.name,
            signer_email=signer.email,
            signer_mobile=signer.mobile,
            identity_document=identity_document,
            identified_by=(
                earlier_identification.identified_by if earlier_identification else actor
            ),
        )
        request.link_token = _send_link(request, base_url)
        request.save()
        if earlier_identification is None:
            _evidence(
                request,
                "identification_attested",
                by=actor.get_full_name() or actor.email,
                identity_document_sha256=identity_document.sha256,
            )
        else:
            _evidence(
                request,
                "identification_reused",
                by=(
                    earlier_identification.identified_by.get_full_name()
                    or earlier_identification.identified_by.email
                ),
                at=earlier_identification.created_at.isoformat(),
                from_request=str(earlier_identification.uuid),
                identity_document_sha256=identity_document.sha256,
                sent_by=actor.get_full_name() or actor.email,
            )
        _evidence(request, "email_sent", document_sha256=document.sha256)
        record_audit(actor=actor, action="signature.requested", target=request)
        return request


def _staff_request(actor: User, request: SignatureRequest) -> SignatureRequest:
    require(actor, "manage_signatures")
    _own(actor, request)
    return SignatureRequest.objects.select_for_update().get(pk=request.pk)


def resend_signature_request(
    *, actor: User, request: SignatureRequest, base_url: str = ""
) -> SignatureRequest:
    """A person sends a fresh link (also what unlocks a request locked by wrong codes)."""
    with transaction.atomic():
        request = _staff_request(actor, request)
        if request.status not in (*SignatureRequest.OPEN, Status.LOCKED, Status.EXPIRED):
            raise DomainError(_("Questa richiesta di firma è chiusa: non si può reinviare."))
        if request.signer.withdrawn_at is not None:
            raise DomainError(
                _("Il cliente ha revocato il consenso alla firma elettronica avanzata.")
            )
        request.codes.filter(used_at=None).update(superseded=True)
        request.link_token = _send_link(request, base_url)
        request.failures, request.reminders_sent = 0, 0
        request.declarations_accepted_at = None
        transition(
            request,
            Status.SENT,
            actor=actor,
            fields=(*_LINK_FIELDS, "failures", "reminders_sent", "declarations_accepted_at"),
            action="signature.resent",
        )
        _evidence(request, "email_resent", by=actor.get_full_name() or actor.email)
        return request


def _close(request: SignatureRequest, status: str, *, actor: User | None = None) -> None:
    """End the request (`actor` None: the signer or a job) and tell its owner."""
    transition(request, status, actor=actor, fields=("decline_reason",))
    request.codes.filter(used_at=None).update(superseded=True)
    handler_for(request.subject_kind).on_closed(request)


def void_signature_request(*, actor: User, request: SignatureRequest) -> SignatureRequest:
    """The collaborator or an operator withdraws a request: its link stops working."""
    with transaction.atomic():
        request = _staff_request(actor, request)
        if request.status not in (*SignatureRequest.OPEN, Status.LOCKED):
            raise DomainError(_("Questa richiesta di firma è già chiusa."))
        _evidence(request, "voided", by=actor.get_full_name() or actor.email)
        _close(request, Status.VOIDED, actor=actor)
        return request


# --- The signer, through the link ---------------------------------------------------------


def _by_token(token: str, *, lock: bool = False) -> SignatureRequest:
    request = request_by_token(token, lock=lock)
    if request is None:
        raise LinkUnusable(
            _("Questo link di firma non è valido. Controlla di averlo copiato per intero.")
        )
    return request


class CodeRequired(DomainError):
    """The link alone no longer opens this: the signer proves with an SMS code it is them."""


def signed_document_open(request: SignatureRequest) -> bool:
    """True while the link alone serves the signed document (SIGNATURE_SIGNED_DAYS)."""
    if request.status != Status.SIGNED:
        return False
    return timezone.now() < request.signed_at + timedelta(days=settings.SIGNATURE_SIGNED_DAYS)


def signed_request(*, token: str, verified: bool, report: bool = False) -> SignatureRequest:
    """What the signer may download after signing: the signed PDF through the link alone for
    SIGNATURE_SIGNED_DAYS, then only once `verified` by an access code; the evidence report
    (codice fiscale, addresses) only once verified."""
    request = _by_token(token)
    if request.status != Status.SIGNED:
        raise LinkUnusable(_("Il documento non è ancora stato firmato."))
    if not verified and (report or not signed_document_open(request)):
        raise CodeRequired(
            _("Per vedere di nuovo il documento chiedi un codice di verifica via SMS.")
        )
    return request


def _expire_if_due(request: SignatureRequest) -> None:
    if request.is_open and request.expires_at <= timezone.now():
        _evidence(request, "expired")
        _close(request, Status.EXPIRED)


def _usable(request: SignatureRequest) -> None:
    messages = {
        Status.EXPIRED: _(
            "Il link è scaduto. Chiedi al tuo intermediario di inviartene uno nuovo."
        ),
        Status.VOIDED: _("Questa richiesta di firma è stata annullata dal tuo intermediario."),
        Status.DECLINED: handler_for(request.subject_kind).declined_message
        or _("Hai rifiutato di firmare questo documento."),
        Status.LOCKED: _(
            "Troppi codici errati: la firma è bloccata. Il tuo intermediario può inviarti "
            "un nuovo link."
        ),
        Status.SIGNED: _("Hai già firmato questo documento."),
    }
    if request.status in messages:
        raise LinkUnusable(messages[request.status])


def open_signature_request(*, token: str, visit: Visit) -> SignatureRequest:
    """The signer opens the link: recorded every time; a closed request is still returned so
    that a signer can download what they signed and its evidence at any time."""
    with transaction.atomic():
        request = _by_token(token, lock=True)
        _expire_if_due(request)
        if request.status in (Status.VOIDED, Status.EXPIRED):
            _usable(request)
        _evidence(request, "link_opened", visit)
        if request.status == Status.SENT:
            transition(request, Status.OPENED, actor=None)
        return request


def record_document_view(*, token: str, visit: Visit) -> SignatureRequest:
    """The signer opened the document to sign: the hash of what they saw goes into the evidence.
    Once the request is complete the link serves only the signed document."""
    with transaction.atomic():
        request = _by_token(token, lock=True)
        _expire_if_due(request)
        _usable(request)
        _evidence(request, "document_viewed", visit, sha256=request.document.sha256)
        return request


# What the signer declares about the documents shown before the contract (sign.html).
ACKNOWLEDGMENT_TEXT = _(
    "Dichiaro di aver ricevuto e letto, prima di firmare, i documenti precontrattuali qui elencati."
)


def documents_to_acknowledge(request: SignatureRequest) -> list[dict]:
    """The documents the owner wants the signer to receive before signing, in order."""
    documents = handler_for(request.subject_kind).documents
    return documents(request) if documents else []


def documents_acknowledged(request: SignatureRequest) -> bool:
    return request.evidence.filter(kind="documents_acknowledged").exists()


def open_signing_document(*, token: str, number: int, visit: Visit) -> dict:
    """The signer opens one of the documents to acknowledge: its hash goes into the evidence."""
    with transaction.atomic():
        request = _by_token(token, lock=True)
        if request.status != Status.SIGNED:
            _expire_if_due(request)
            _usable(request)
        documents = documents_to_acknowledge(request)
        if not 0 <= number < len(documents):
            raise LinkUnusable(_("Documento non trovato."))
        document = documents[number]
        _evidence(
            request, "disclosure_viewed", visit, title=document["title"], sha256=document["sha256"]
        )
        return document


def acknowledge_documents(*, token: str, visit: Visit, accepted: bool) -> SignatureRequest:
    """The signer declares to have received and read the documents shown before the contract:
    the declaration, with which documents (title, version, SHA-256) and when, is evidence of
    the signature, and the owner records the delivery."""
    if not accepted:
        raise DomainError(
            _("Per continuare dichiara di aver ricevuto e letto i documenti."), field="acknowledge"
        )
    with transaction.atomic():
        request = _by_token(token, lock=True)
        _expire_if_due(request)
        _usable(request)
        documents = documents_to_acknowledge(request)
        if not documents:
            raise DomainError(_("Non ci sono documenti da dichiarare ricevuti."))
        _evidence(
            request,
            "documents_acknowledged",
            visit,
            statement=str(ACKNOWLEDGMENT_TEXT),
            documents=[
                {"title": str(d["title"]), "version": d["version"], "sha256": d["sha256"]}
                for d in documents
            ],
        )
        acknowledged = handler_for(request.subject_kind).on_documents_acknowledged
        if acknowledged:
            at = request.evidence.filter(kind="documents_acknowledged").latest("pk").at
            acknowledged(request, at)
        return request


def accept_declarations(*, token: str, visit: Visit, accepted: bool) -> SignatureRequest:
    """The signer accepts the FEA note and declarations; the first time also records their
    adhesion to the service (DPCM art. 57 c.1 a)."""
    if not accepted:
        raise DomainError(
            _("Per firmare devi accettare le condizioni del servizio di firma."), field="accept"
        )
    with transaction.atomic():
        request = _by_token(token, lock=True)
        _expire_if_due(request)
        _usable(request)
        now = timezone.now()
        signer = Signer.objects.select_for_update().get(pk=request.signer_id)
        if signer.withdrawn_at is not None:
            raise LinkUnusable(_("Hai revocato il consenso alla firma elettronica avanzata."))
        if signer.adhered_at is None:
            signer.adhered_at, signer.adhesion_version = now, DECLARATIONS_VERSION
            signer.save(update_fields=["adhered_at", "adhesion_version"])
            _evidence(request, "fea_adhesion", visit, version=DECLARATIONS_VERSION)
        request.declarations_accepted_at = now
        request.save(update_fields=["declarations_accepted_at"])
        _evidence(request, "declarations_accepted", visit, version=DECLARATIONS_VERSION)
        return request


def _issue_code(
    request: SignatureRequest, *, purpose: str, text: str, visit: Visit, evidence: str
) -> None:
    """A 6-digit code by SMS to the client record's mobile, within the limits (cooldown, codes
    per window, the signer's wrong entries across requests); it supersedes the previous code
    but never resets the count of wrong entries. `text` has %(code)s, %(m)s and %(mga)s."""
    if request.signer.failures >= settings.SIGNATURE_SIGNER_MAX_FAILURES:
        raise LinkUnusable(_("Troppi codici errati: contatta il tuo intermediario."))
    now = timezone.now()
    window = now - timedelta(minutes=settings.SIGNATURE_CODE_WINDOW_MINUTES)
    recent = list(request.codes.filter(created_at__gte=window).order_by("-created_at"))
    cooldown = timedelta(seconds=settings.SIGNATURE_CODE_COOLDOWN_SECONDS)
    if recent and now - recent[0].created_at < cooldown:
        wait = int((recent[0].created_at + cooldown - now).total_seconds()) + 1
        raise DomainError(
            _("Attendi %(s)s secondi prima di chiedere un nuovo codice.") % {"s": wait}
        )
    if len(recent) >= settings.SIGNATURE_CODES_PER_WINDOW:
        raise DomainError(
            _("Hai chiesto troppi codici. Riprova tra %(m)s minuti.")
            % {"m": settings.SIGNATURE_CODE_WINDOW_MINUTES}
        )
    request.codes.filter(used_at=None).update(superseded=True)
    code = f"{secrets.randbelow(10**6):06d}"
    SignatureCode.objects.create(
        request=request,
        purpose=purpose,
        created_at=now,
        code_hash=_hash_code(request, code),
        expires_at=now + timedelta(minutes=settings.SIGNATURE_CODE_MINUTES),
    )
    queue_sms(
        to=request.signer_mobile,
        text=text % {"code": code, "m": settings.SIGNATURE_CODE_MINUTES, "mga": settings.MGA_NAME},
        sensitive=True,
    )
    _evidence(request, evidence, visit, to=request.masked_mobile)


def send_signature_code(*, token: str, visit: Visit) -> SignatureRequest:
    """ "Invia codice": the signing code, once the declarations are accepted."""
    with transaction.atomic():
        request = _by_token(token, lock=True)
        _expire_if_due(request)
        _usable(request)
        if request.declarations_accepted_at is None:
            raise DomainError(_("Prima accetta le condizioni del servizio di firma."))
        if documents_to_acknowledge(request) and not documents_acknowledged(request):
            raise DomainError(
                _("Prima dichiara di aver ricevuto e letto i documenti precontrattuali.")
            )
        if request.signer.withdrawn_at is not None:
            raise LinkUnusable(_("Hai revocato il consenso alla firma elettronica avanzata."))
        _issue_code(
            request,
            purpose=SignatureCode.Purpose.SIGN,
            text=_("Codice firma %(code)s, non condividerlo. Vale %(m)s minuti. %(mga)s"),
            visit=visit,
            evidence="code_sent",
        )
        transition(request, Status.CODE_SENT, actor=None)
        return request


def send_access_code(*, token: str, visit: Visit) -> SignatureRequest:
    """A verification code by SMS, for what the link alone no longer opens: the signed document
    after its days, the evidence report, the withdrawal of consent."""
    with transaction.atomic():
        request = _by_token(token, lock=True)
        _expire_if_due(request)
        if request.status in (Status.VOIDED, Status.EXPIRED):
            _usable(request)
        _issue_code(
            request,
            purpose=SignatureCode.Purpose.ACCESS,
            text=_("Codice di verifica %(code)s, non condividerlo. Vale %(m)s minuti. %(mga)s"),
            visit=visit,
            evidence="access_code_sent",
        )
        return request


def _check_access_code(request: SignatureRequest, code: str, visit: Visit) -> str:
    """Use the current access code if `code` is it; otherwise count the wrong entry (the code
    burns after SIGNATURE_CODE_ATTEMPTS) and return the message for the signer."""
    code = "".join(code.split())
    current = (
        request.codes.filter(purpose=SignatureCode.Purpose.ACCESS, used_at=None, superseded=False)
        .order_by("-pk")
        .first()
    )
    now = timezone.now()
    if current is None or current.expires_at <= now:
        raise DomainError(_("Chiedi un nuovo codice di verifica."), field="code")
    if (
        code.isdigit()
        and len(code) == 6
        and hmac.compare_digest(current.code_hash, _hash_code(request, code))
    ):
        current.used_at = now
        current.save(update_fields=["used_at"])
        return ""
    current.failures += 1
    current.superseded = current.failures >= settings.SIGNATURE_CODE_ATTEMPTS
    current.save(update_fields=["failures", "superseded"])
    Signer.objects.filter(pk=request.signer_id).update(failures=F("failures") + 1)
    _evidence(request, "access_code_wrong", visit, failures=current.failures)
    if current.superseded:
        return _("Troppi tentativi errati: questo codice non vale più. Chiedine uno nuovo.")
    left = settings.SIGNATURE_CODE_ATTEMPTS - current.failures
    return _("Codice errato. Tentativi rimasti per questo codice: %(n)s.") % {"n": left}


def verify_access_code(*, token: str, code: str, visit: Visit) -> SignatureRequest:
    """The signer types the verification code: recorded; the caller then lets this browser see
    the signed document and the report for SIGNATURE_ACCESS_MINUTES."""
    with transaction.atomic():
        request = _by_token(token, lock=True)
        error = _check_access_code(request, code, visit)
        if not error:
            _evidence(request, "access_verified", visit)
    if error:
        # the wrong entry is counted (committed above)
        raise DomainError(error, field="code")
    return request


def _wrong_code(request: SignatureRequest, current: SignatureCode, visit: Visit) -> str:
    """Count a wrong entry; returns the message for the signer."""
    request.failures += 1
    request.save(update_fields=["failures"])
    Signer.objects.filter(pk=request.signer_id).update(failures=request.signer.failures + 1)
    _evidence(request, "code_wrong", visit, failures=request.failures)
    per_code = settings.SIGNATURE_CODE_ATTEMPTS
    if request.failures % per_code:
        left = per_code - request.failures % per_code
        return _("Codice errato. Tentativi rimasti per questo codice: %(n)s.") % {"n": left}
    current.superseded = True
    current.save(update_fields=["superseded"])
    _evidence(request, "code_burned", visit)
    if request.failures // per_code >= settings.SIGNATURE_BURNED_CODES_LOCK:
        transition(request, Status.LOCKED, actor=None)
        _evidence(request, "locked", visit)
        _tell_firm(request, "signature_locked")
        return _(
            "Troppi codici errati: la firma è bloccata. Il tuo intermediario può inviarti "
            "un nuovo link."
        )
    return _("Troppi tentativi errati: questo codice non vale più. Chiedine uno nuovo.")


def sign_with_code(*, token: str, code: str, visit: Visit) -> SignatureRequest:
    """The right code signs: the document's hash is checked against the one the signer saw,
    the PDF is sealed PAdES with the visible block, the evidence report is made, both hashes
    go into the ledger and the owner's handler runs — all in one transaction."""
    code = "".join(code.split())
    error = None
    with transaction.atomic():
        request = _by_token(token, lock=True)
        _expire_if_due(request)
        _usable(request)
        current = (
            request.codes.filter(purpose=SignatureCode.Purpose.SIGN, used_at=None, superseded=False)
            .order_by("-pk")
            .first()
        )
        if request.status != Status.CODE_SENT or current is None:
            raise DomainError(_("Chiedi prima un codice con «Invia codice»."))
        if current.expires_at <= timezone.now():
            raise DomainError(_("Il codice è scaduto: chiedine uno nuovo."))
        if not (code.isdigit() and len(code) == 6) or not hmac.compare_digest(
            current.code_hash, _hash_code(request, code)
        ):
            error = _wrong_code(request, current, visit)
        else:
            _apply_signature(request, current, visit)
    if error:
        # the failure is counted (committed above); the signer sees why nothing was signed
        raise DomainError(error, field="code")
    return request


def _apply_signature(request: SignatureRequest, current: SignatureCode, visit: Visit) -> None:
    document = request.document
    with document.file.open("rb") as handle:
        content = handle.read()
    actual = hashlib.sha256(content).hexdigest()
    if actual != document.sha256:
        raise DomainError(
            _(
                "Il documento è cambiato dopo che l'hai visualizzato: non è stato firmato. "
                "Il tuo intermediario ti invierà un nuovo link."
            )
        )
    now = timezone.now()
    stamp = _(
        "Firmato con firma elettronica avanzata da %(name)s (%(cf)s) mediante codice OTP "
        "inviato a %(mobile)s il %(when)s\nSHA-256 del documento: %(sha)s\n"
        "Richiesta di firma %(id)s"
    ) % {
        "name": request.signer_name,
        "cf": request.signer.codice_fiscale,
        "mobile": request.masked_mobile,
        "when": timezone.localtime(now).strftime("%d/%m/%Y %H:%M:%S"),
        "sha": document.sha256,
        "id": request.uuid,
    }
    if pades.is_development_certificate():
        stamp += "\n" + _("Certificato di sviluppo: firma priva di valore legale")
    try:
        signed, timestamped = pades.sign_pdf(content, stamp_text=stamp, reason=request.title)
    except pades.TimestampUnavailable:
        raise DomainError(
            _(
                "Il servizio di marca temporale non risponde: il documento non è stato firmato "
                "e il codice resta valido. Riprova tra qualche minuto."
            )
        ) from None
    current.used_at = now
    current.save(update_fields=["used_at"])
    stem = document.name.removesuffix(".pdf")
    signed_file = store_file(
        actor=None,
        validated=ValidatedFile(
            name=f"{stem}-firmato.pdf",
            content_type=PDF,
            size=len(signed),
            sha256=hashlib.sha256(signed).hexdigest(),
            content=signed,
        ),
    )
    _evidence(
        request,
        "signed",
        visit,
        document_sha256=document.sha256,
        signed_sha256=signed_file.sha256,
        timestamped=timestamped,
        timestamp_authority=pades.timestamp_authority() if timestamped else "",
        development_certificate=pades.is_development_certificate(),
    )
    request.signed_at, request.signed_document = now, signed_file
    request.report = store_file(actor=None, validated=_report(request))
    transition(
        request, Status.SIGNED, actor=None, fields=("signed_at", "signed_document", "report")
    )
    subject = handler_for(request.subject_kind)
    record_event(type=subject.signed_event, ref=str(request.uuid), sha256=signed_file.sha256)
    record_event(type=subject.evidence_event, ref=str(request.uuid), sha256=request.report.sha256)
    subject.on_signed(request)
    queue_email(
        to=request.signer_email,
        template=subject.done_template,
        context={
            "request": request,
            "days": settings.SIGNATURE_SIGNED_DAYS,
            **subject.context_for(request),
        },
        attachments=[signed_file, request.report],
    )
    if subject.signed_firm_template:
        _tell_firm(request, subject.signed_firm_template)


def _report(request: SignatureRequest) -> ValidatedFile:
    """The "Rapporto di firma": every evidence record of the request, as a PDF."""
    reused = request.evidence.filter(kind="identification_reused").first()
    return render_pdf(
        template="signatures/report.html",
        name=f"rapporto-di-firma-{request.uuid}.pdf",
        context={
            "request": request,
            "evidence": list(request.evidence.all()),
            "reused": reused,
            "reused_at": datetime.fromisoformat(reused.data["at"]) if reused else None,
            "signed": request.evidence.filter(kind="signed").last(),
            "mga_legal_name": settings.MGA_LEGAL_NAME,
            "development": pades.is_development_certificate(),
            "declarations_version": DECLARATIONS_VERSION,
        },
    )


def decline_signature(
    *, token: str, reason: str, visit: Visit, attachments: Iterable[tuple[str, bytes]] = ()
) -> SignatureRequest:
    """The signer declines to sign, with a reason (and files, e.g. objections to a quietanza)
    the owner and the firm are told."""
    reason = " ".join(reason.split())
    if not reason:
        raise DomainError(_("Scrivi il motivo per cui non vuoi firmare."), field="reason")
    with transaction.atomic():
        request = _by_token(token, lock=True)
        _expire_if_due(request)
        _usable(request)
        request.decline_reason = reason[:500]
        files = [store_upload(actor=None, name=name, data=data) for name, data in attachments]
        request.decline_attachments.set(files)
        _evidence(
            request,
            "declined",
            visit,
            reason=request.decline_reason,
            attachments=[f.sha256 for f in files],
        )
        _close(request, Status.DECLINED)
        template = handler_for(request.subject_kind).declined_template
        if template:
            _tell_firm(request, template)
        return request


def withdraw_fea_consent(
    *, token: str, code: str, confirmed: bool, visit: Visit
) -> SignatureRequest:
    """The signer withdraws consent to FEA, confirmed and with a fresh verification code (a link
    in an old e-mail is not enough): their open requests are voided, in every firm, and no new
    one can be sent to them."""
    with transaction.atomic():
        request = _by_token(token, lock=True)
        if not confirmed:
            raise DomainError(
                _("Conferma che vuoi revocare il consenso alla firma elettronica."),
                field="confirm",
            )
        error = _check_access_code(request, code, visit)
        if not error:
            _withdraw(request, visit)
    if error:
        raise DomainError(error, field="code")
    request.refresh_from_db()
    return request


def _withdraw(request: SignatureRequest, visit: Visit) -> None:
    signer = Signer.objects.select_for_update().get(pk=request.signer_id)
    if signer.withdrawn_at is None:
        signer.withdrawn_at = timezone.now()
        signer.save(update_fields=["withdrawn_at"])
    _evidence(request, "consent_withdrawn", visit)
    for pending in SignatureRequest.objects.select_for_update().filter(
        signer=signer, status__in=(*SignatureRequest.OPEN, Status.LOCKED)
    ):
        _evidence(pending, "voided", visit, reason="consent_withdrawn")
        _close(pending, Status.VOIDED)
    _tell_firm(request, "signature_consent_withdrawn")


def send_reminders() -> int:
    """Daily: remind signers after 3 and 7 days and expire links older than 14 days.
    Idempotent: each reminder is counted on the request under its row lock."""
    now = timezone.now()
    done = 0
    for pk in SignatureRequest.objects.filter(status__in=SignatureRequest.OPEN).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            request = SignatureRequest.objects.select_for_update().get(pk=pk)
            if not request.is_open:
                continue
            if request.expires_at <= now:
                _expire_if_due(request)
                done += 1
                continue
            days = settings.SIGNATURE_REMINDER_DAYS
            due = request.reminders_sent < len(days) and now >= request.sent_at + timedelta(
                days=days[request.reminders_sent]
            )
            if due:
                request.reminders_sent += 1
                request.save(update_fields=["reminders_sent"])
                subject = handler_for(request.subject_kind)
                queue_email(
                    to=request.signer_email,
                    template=subject.reminder_template,
                    context={
                        "request": request,
                        "url": signing_url(request),
                        **subject.context_for(request),
                    },
                )
                _evidence(request, "reminder_sent", number=request.reminders_sent)
                done += 1
    return done
