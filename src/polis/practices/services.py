"""Practices: from a quote to an issued policy (numbered, contract PDF, disclosures, ledger),
perfezionamento (payments, in force), expiries and renewals."""

from collections import defaultdict
from datetime import date
from decimal import Decimal
from itertools import groupby
from operator import itemgetter

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from polis.accounts.selectors import role_emails
from polis.audit.services import record_audit, record_audits
from polis.catalog.selectors import coverages_of, documents_in_force
from polis.catalog.services import mark_tariff_used, price_or_refuse
from polis.core.access import OPERATOR, require
from polis.core.errors import DomainError, InvalidTransition, PermissionDenied
from polis.core.numbering import formatted_number
from polis.core.text import bounded_text
from polis.documents.models import StoredFile
from polis.documents.pdf import render_pdf
from polis.documents.services import store_file, store_upload
from polis.documents.validation import ValidatedFile, validate_upload
from polis.ledger.services import record_event
from polis.messaging.services import withdraw_requests, write_about
from polis.notify.services import queue_email, queue_emails
from polis.practices.disclosures import render_disclosures
from polis.practices.models import ExpiryReminder, Payment, Practice, PracticeDocument
from polis.practices.selectors import (
    ABANDONED,
    delivery_message,
    disclosures_stored,
    due_instalment,
    practices_to_remind,
    reminders_due,
    renewal_window,
    review_reasons,
    thread_of,
)
from polis.quotes.models import Quote
from polis.quotes.services import price_for_client
from polis.signatures.services import SignerData, create_signature_request

S = Practice.Status
# DESIGN §3. "cancelled" is possible from any state before in force.
TRANSITIONS = {
    S.DRAFT: {S.ISSUED, S.IN_REVIEW, S.CANCELLED},
    S.IN_REVIEW: {S.ISSUED, S.DECLINED, S.INFO_REQUESTED, S.CANCELLED},
    S.INFO_REQUESTED: {S.IN_REVIEW, S.DECLINED, S.CANCELLED},
    S.ISSUED: {S.SIGNING, S.CANCELLED},
    S.SIGNING: {S.SIGNED, S.ISSUED, S.CANCELLED},
    S.SIGNED: {S.COMPLETED, S.IN_FORCE, S.CANCELLED},
    # Perfezionata before its start date: in force from that day, or back to "signed" when the
    # MGA rejects the payment that completed it.
    S.COMPLETED: {S.IN_FORCE, S.SIGNED},
    # Back to "signed" when the MGA rejects the payment that completed it.
    S.IN_FORCE: {S.RENEWED, S.EXPIRED, S.SIGNED},
    # Not renewed after all when the renewal's completing payment is rejected.
    S.RENEWED: {S.IN_FORCE, S.EXPIRED},
    # A renewal completed after the end date (within the grace period) still renews it.
    S.EXPIRED: {S.RENEWED},
    S.DECLINED: set(),
    S.CANCELLED: set(),
}


def _guard(practice: Practice, wanted: str) -> None:
    if wanted not in TRANSITIONS[practice.status]:
        raise InvalidTransition(
            _("La pratica è «%(current)s»: non può passare a «%(wanted)s».")
            % {"current": practice.get_status_display(), "wanted": S(wanted).label}
        )


def _locked(practice: Practice, version: int | None) -> Practice:
    """The practice's row, locked; refused when someone changed it since the page showed it."""
    locked = Practice.objects.select_for_update().get(pk=practice.pk)
    if version is not None and locked.version != version:
        raise DomainError(
            _("La pratica è stata modificata da un altro utente: ricarica la pagina.")
        )
    return locked


def _own(actor, practice_or_quote) -> None:
    if actor.role == "collaborator" and practice_or_quote.firm_id != actor.firm_id:
        raise PermissionDenied(_("Non hai i permessi per questa pratica."))


def _one_year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _new_practice(
    actor, *, client, product, tariff, answers, effective_date, priced, breakdown, **extra
) -> Practice:
    """A draft practice for a year from `effective_date`, priced as `priced` (net, tax, gross,
    commission) says."""
    return Practice.objects.create(
        firm=client.firm,
        client=client,
        product=product,
        tariff=tariff,
        answers=answers,
        effective_date=effective_date,
        end_date=_one_year_after(effective_date),
        net=priced.net,
        tax=priced.tax,
        gross=priced.gross,
        commission=priced.commission,
        breakdown=breakdown,
        created_by=actor,
        **extra,
    )


def create_practice(*, actor, client, product, answers: dict, effective_date: date) -> Practice:
    """AGGIUNGI PRATICA: a new practice from scratch, rated with the tariff valid on the
    effective date; then the normal flow (Emetti polizza, or the MGA's review)."""
    version, breakdown, answers = price_for_client(
        actor=actor, client=client, product=product, answers=answers, effective_date=effective_date
    )
    with transaction.atomic():
        practice = _new_practice(
            actor,
            client=client,
            product=product,
            tariff=version,
            answers=answers,
            effective_date=effective_date,
            priced=breakdown,
            breakdown=breakdown.as_json(),
        )
        mark_tariff_used(version)
        record_audit(actor=actor, action="practice.created", target=practice)
        return practice


def convert_quote(*, actor, quote: Quote) -> Practice:
    """Start a practice from a valid quote: same client, product, answers, tariff and premium."""
    require(actor, "work_portfolio")
    _own(actor, quote)
    with transaction.atomic():
        quote = Quote.objects.select_for_update().get(pk=quote.pk)
        if quote.status != Quote.Status.PRICED:
            raise InvalidTransition(_("Questo preventivo è già stato trasformato in pratica."))
        if quote.is_expired:
            raise DomainError(_("Il preventivo è scaduto: duplicalo per ricalcolarlo."))
        practice = _new_practice(
            actor,
            client=quote.client,
            product=quote.product,
            tariff=quote.tariff,
            answers=quote.answers,
            effective_date=quote.effective_date,
            priced=quote,
            breakdown=quote.breakdown,
            quote=quote,
        )
        mark_tariff_used(quote.tariff)
        quote.status = Quote.Status.CONVERTED
        quote.save(update_fields=["status"])
        record_audit(
            actor=actor, action="practice.created", target=practice, data={"quote": quote.number}
        )
        return practice


def _contract(practice: Practice) -> ValidatedFile:
    return render_pdf(
        template="practices/contract.html",
        name=f"contratto-{practice.policy_number}.pdf",
        context={
            "practice": practice,
            "coverages": coverages_of(
                practice.product, practice.answers, practice.breakdown.get("cover")
            ),
            "mga_name": settings.MGA_NAME,
            "mga_legal_name": settings.MGA_LEGAL_NAME,
        },
    )


def _disclosure_set(*, actor, practice: Practice, on: date) -> list[dict]:
    """The pre-contractual documents for the client, each stored with the practice: the
    distributor's disclosure in force on `on` (the MUP, or Allegati 3/4/4-ter before July 2025;
    its SHA-256 is the stored file's) and the insurer's documents of the product version. None
    is delivered yet."""
    medium = {
        "medium": practice.needs.get("medium", ""),
        "durable_consent": practice.needs.get("durable_consent", False),
        "delivered_at": None,
    }
    rendered = render_disclosures(
        firm=practice.firm,
        person=practice.created_by,
        on=on,
        insurers=[practice.product.insurer.name],
    )
    disclosures = []
    for d in rendered:
        stored = store_file(actor=actor, validated=d.file)
        disclosures.append(
            {
                "kind": d.template.kind,
                "label": d.template.title,
                "version": d.template.version,
                "sha256": stored.sha256,
                "file": stored.pk,
                **medium,
            }
        )
    return disclosures + [
        {
            "kind": document.kind,
            "label": document.get_kind_display(),
            "version": document.version,
            "sha256": document.file.sha256,
            "file": document.file_id,
            **medium,
        }
        for document in documents_in_force(practice.product, practice.effective_date)
    ]


def _issue(*, actor, practice: Practice) -> Practice:
    _guard(practice, S.ISSUED)
    now = timezone.now()
    practice.policy_number = formatted_number(practice.product.code, timezone.localdate().year)
    practice.contract = store_file(actor=actor, validated=_contract(practice))
    practice.status, practice.issued_at = S.ISSUED, now
    _hand_over_disclosures(actor=actor, practice=practice)
    practice.save(
        update_fields=[
            "disclosures",
            "delivery",
            "policy_number",
            "contract",
            "status",
            "issued_at",
        ]
    )
    record_event(type="policy.issued", ref=str(practice.uuid), sha256=practice.contract.sha256)
    record_audit(
        actor=actor,
        action="practice.issued",
        target=practice,
        data={"policy_number": practice.policy_number},
    )
    return practice


# --- Delivery of the pre-contractual documents ------------------------------------------------

M = Practice.DeliveryMedium
ELECTRONIC = (M.EMAIL, M.LINK)
DISCLOSURE_RECEIPT = "ricevuta_precontrattuale"


def _hand_over_disclosures(*, actor, practice: Practice) -> None:
    """Store the documents as of the issuing day and start their delivery on the medium the
    client chose (not saved here)."""
    medium = practice.needs.get("medium", "")
    if medium in ELECTRONIC and not practice.client.email:
        raise DomainError(
            _(
                "Il cliente non ha un'e-mail in anagrafica: aggiungila o scegli la consegna "
                "dei documenti su carta."
            )
        )
    on = timezone.localdate(practice.issued_at)
    practice.disclosures = _disclosure_set(actor=actor, practice=practice, on=on)
    practice.delivery = {"medium": medium}
    if medium in ELECTRONIC:
        _send_disclosures(practice)


def prepare_disclosures(*, actor, practice: Practice) -> Practice:
    """For a practice issued before the documents were stored: render them as of its issuing
    day (Allegati 3, 4 and 4-ter before July 2025, the MUP since), store them and deliver them
    like a new one. What was recorded before, without a file, is replaced."""
    require(actor, "work_portfolio")
    _own(actor, practice)
    with transaction.atomic():
        practice = _locked(practice, None)
        if practice.status != S.ISSUED or disclosures_stored(practice):
            raise DomainError(_("I documenti precontrattuali di questa pratica sono già pronti."))
        _hand_over_disclosures(actor=actor, practice=practice)
        practice.save(update_fields=["disclosures", "delivery"])
        record_audit(actor=actor, action="practice.disclosures_prepared", target=practice)
        return practice


def _send_disclosures(practice: Practice) -> None:
    """Queue the documents to the client by e-mail: attached, or behind a signed link that
    expires (medium "link"). Delivered once the outbox has sent it."""
    files = StoredFile.objects.filter(pk__in=[d["file"] for d in practice.disclosures])
    by_link = practice.delivery["medium"] == M.LINK
    message = queue_email(
        to=practice.client.email,
        template="disclosures_delivery",
        context={
            "practice": practice,
            "documents": practice.disclosures,
            "link": disclosures_link(practice) if by_link else "",
            "link_days": settings.DISCLOSURE_LINK_DAYS,
        },
        attachments=[] if by_link else list(files),
    )
    practice.delivery.update(message=str(message.uuid), queued_at=message.created_at.isoformat())


def disclosures_token(practice: Practice) -> str:
    """The signed token of the client's link (valid DISCLOSURE_LINK_DAYS from now)."""
    return signing.dumps(str(practice.uuid), salt=DISCLOSURE_LINK_SALT)


def disclosures_link(practice: Practice) -> str:
    """The client's link to download the documents."""
    token = disclosures_token(practice)
    return settings.SITE_URL.rstrip("/") + reverse("practices:client_disclosures", args=[token])


DISCLOSURE_LINK_SALT = "polis.practices.disclosures"


def practice_for_disclosure_link(token: str) -> Practice:
    """The practice a client's link opens; DomainError when forged or expired."""
    try:
        uuid = signing.loads(
            token, salt=DISCLOSURE_LINK_SALT, max_age=settings.DISCLOSURE_LINK_DAYS * 86400
        )
    except signing.SignatureExpired:
        raise DomainError(
            _("Il link è scaduto: chiedi al tuo intermediario di inviarti di nuovo i documenti.")
        ) from None
    except signing.BadSignature:
        raise DomainError(_("Questo link non è valido.")) from None
    practice = Practice.objects.filter(uuid=uuid).first()
    if practice is None:
        raise DomainError(_("Questo link non è valido."))
    return practice


def _mark_delivered(practice: Practice, *, at, channel: str, **facts) -> None:
    """Record when the documents reached the client (not saved here)."""
    stamp = at.isoformat()
    for entry in practice.disclosures:
        entry["delivered_at"] = entry.get("delivered_at") or stamp
    practice.delivery.update(delivered_at=practice.delivery.get("delivered_at") or stamp)
    practice.delivery.setdefault("channel", channel)
    practice.delivery.update(facts)


def confirm_disclosure_delivery(practice: Practice) -> bool:
    """If the outbox has sent the documents' e-mail, record its sent time as the delivery
    (inside the caller's transaction, the practice locked). True once delivered."""
    if practice.delivery.get("delivered_at"):
        return True
    message = delivery_message(practice)
    if message is None or message.status != message.Status.SENT:
        return False
    _mark_delivered(practice, at=message.sent_at, channel="email")
    practice.save(update_fields=["disclosures", "delivery"])
    record_audit(actor=None, action="practice.disclosures_delivered", target=practice)
    return True


def resend_disclosures(*, actor, practice: Practice) -> Practice:
    """E-mail the documents again (e.g. the first e-mail could not be delivered)."""
    require(actor, "work_portfolio")
    _own(actor, practice)
    with transaction.atomic():
        practice = _locked(practice, None)
        if practice.delivery.get("medium") not in ELECTRONIC or practice.status not in (
            S.ISSUED,
            S.SIGNING,
        ):
            raise DomainError(_("Per questa pratica i documenti non si inviano per e-mail."))
        if not practice.client.email:
            raise DomainError(_("Il cliente non ha un'e-mail in anagrafica."))
        _send_disclosures(practice)
        practice.save(update_fields=["delivery"])
        record_audit(actor=actor, action="practice.disclosures_sent", target=practice)
        return practice


def record_paper_delivery(*, actor, practice: Practice, name: str, data: bytes) -> Practice:
    """Paper delivery: the receipt the client signed for the printed documents, uploaded;
    the documents are delivered at the upload."""
    require(actor, "work_portfolio")
    _own(actor, practice)
    if not data:
        raise DomainError(_("Carica la ricevuta firmata dal cliente."), field="receipt")
    with transaction.atomic():
        practice = _locked(practice, None)
        if practice.delivery.get("medium") != M.PAPER or practice.status != S.ISSUED:
            raise DomainError(_("Questa pratica non attende la ricevuta della consegna su carta."))
        receipt = PracticeDocument.objects.create(
            practice=practice,
            kind=DISCLOSURE_RECEIPT,
            label=_("Ricevuta dei documenti precontrattuali firmata dal cliente"),
            file=store_upload(actor=actor, name=name, data=data),
            uploaded_by=actor,
            uploaded_at=timezone.now(),
        )
        _mark_delivered(practice, at=receipt.uploaded_at, channel="paper", receipt=receipt.pk)
        practice.save(update_fields=["disclosures", "delivery"])
        record_audit(
            actor=actor,
            action="practice.disclosures_delivered",
            target=practice,
            data={"receipt_sha256": receipt.file.sha256},
        )
        return practice


def signing_documents(signature) -> list[dict]:
    """Signature hook: the pre-contractual documents the signing page shows before the
    contract, each with its stored file."""
    practice = Practice.objects.get(pk=signature.subject_id)
    stored = StoredFile.objects.in_bulk([d["file"] for d in practice.disclosures if d.get("file")])
    return [
        {
            "title": d["label"],
            "version": d["version"],
            "sha256": d["sha256"],
            "file": stored[d["file"]],
        }
        for d in practice.disclosures
        if d.get("file") in stored
    ]


def record_documents_acknowledged(signature, at) -> None:
    """Signature hook: the client declared on the signing page to have received and read the
    documents (inside the signer's transaction). Without an earlier delivery, this is it."""
    practice = Practice.objects.select_for_update().get(pk=signature.subject_id)
    _mark_delivered(practice, at=at, channel="signing_page", acknowledged_at=at.isoformat())
    practice.save(update_fields=["disclosures", "delivery"])
    record_audit(actor=None, action="practice.disclosures_acknowledged", target=practice)


OTHER_DOCUMENT = "altro"


def add_practice_documents(*, actor, practice: Practice, kind: str, uploads) -> list:
    """Documents added to a practice by its firm or the MGA (validated by content); the same
    kind again is a new version."""
    require(actor, "view_practices")
    _own(actor, practice)
    if not uploads:
        raise DomainError(_("Scegli almeno un file."), field="files")
    labels = {d["code"]: d["label"] for d in practice.product.required_documents}
    with transaction.atomic():
        practice = _locked(practice, None)
        added = [
            PracticeDocument.objects.create(
                practice=practice,
                kind=kind if kind in labels else OTHER_DOCUMENT,
                label=labels.get(kind, _("Altro documento")),
                file=store_upload(actor=actor, name=name, data=data),
                uploaded_by=actor,
                uploaded_at=timezone.now(),
            )
            for name, data in uploads
        ]
        record_audit(
            actor=actor,
            action="practice.documents_added",
            target=practice,
            data={"files": [d.file.name for d in added]},
        )
        return added


def record_demands_and_needs(
    *,
    actor,
    practice: Practice,
    answers: dict,
    refused: bool = False,
    medium: str = "",
    durable_consent: bool = False,
) -> Practice:
    """Esigenze e bisogni (IVASS Reg. 40/2018 art. 58): the client's answers to the product's
    versioned questionnaire, with the consistency result and the rule that gave it. A refusal
    to answer, or an answer the product does not fit, will stop the issuing.

    With them, how the client receives the pre-contractual documents (Reg. 40/2018 art. 73):
    on paper, or on a durable non-paper medium only with the client's consent."""
    require(actor, "work_portfolio")
    _own(actor, practice)
    template = practice.product.needs_questionnaire
    questions = template.get("questions", [])
    reason = ""
    if refused:
        reason = _(
            "Il cliente non ha risposto al questionario sulle esigenze: non si può emettere."
        )
        medium, durable_consent = "", False
    else:
        for question in questions:
            labels = dict(question["choices"])
            value = answers.get(question["name"], "")
            if value not in labels:
                raise DomainError(_("Rispondi a ogni domanda."), field=question["name"])
            if not reason and value not in question["consistent"]:
                reason = _("Prodotto non coerente con le esigenze: «%(q)s» – %(a)s.") % {
                    "q": question["label"],
                    "a": labels[value],
                }
        if medium not in Practice.DeliveryMedium.values:
            raise DomainError(
                _("Indica come il cliente riceve i documenti precontrattuali."), field="medium"
            )
        durable_consent = durable_consent and medium != Practice.DeliveryMedium.PAPER
        if medium != Practice.DeliveryMedium.PAPER and not durable_consent:
            raise DomainError(
                _(
                    "Senza il consenso del cliente a un supporto durevole non cartaceo i "
                    "documenti precontrattuali si consegnano su carta."
                ),
                field="durable_consent",
            )
    with transaction.atomic():
        practice = _locked(practice, None)
        if practice.status not in (S.DRAFT, S.INFO_REQUESTED):
            raise InvalidTransition(_("Le esigenze si raccolgono prima dell'emissione."))
        practice.needs = {
            "version": template.get("version", ""),
            "answers": {} if refused else {q["name"]: answers[q["name"]] for q in questions},
            "refused": refused,
            "consistent": not reason,
            "reason": reason,
            "medium": medium,
            "durable_consent": durable_consent,
            "by": actor.get_full_name(),
            "at": timezone.now().isoformat(),
        }
        practice.save(update_fields=["needs"])
        record_audit(
            actor=actor,
            action="practice.needs_recorded",
            target=practice,
            data={"consistent": not reason},
        )
        return practice


def _check_demands_and_needs(practice: Practice) -> None:
    template = practice.product.needs_questionnaire
    if not template.get("questions"):
        return
    needs = practice.needs
    if needs.get("version") != template.get("version"):
        raise DomainError(_("Prima di emettere raccogli le esigenze e i bisogni del cliente."))
    if not needs.get("consistent"):
        raise DomainError(needs["reason"])
    if not needs.get("medium"):
        raise DomainError(_("Prima di emettere indica come il cliente riceve i documenti."))


def _check_required_documents(practice: Practice) -> None:
    present = set(practice.documents.values_list("kind", flat=True))
    missing = [d["label"] for d in practice.product.required_documents if d["code"] not in present]
    if missing:
        raise DomainError(_("Prima di emettere carica: %(docs)s.") % {"docs": ", ".join(missing)})


def issue_practice(*, actor, practice: Practice, version: int | None = None) -> Practice:
    """ "Emetti polizza": within the product's automatic limits the policy is issued at once —
    gap-free number per product and year, contract PDF hashed into the ledger, disclosures
    recorded — otherwise the practice goes to the MGA's review and operators are e-mailed."""
    require(actor, "work_portfolio")
    _own(actor, practice)
    with transaction.atomic():
        practice = _locked(practice, version)
        if practice.status != S.DRAFT:  # in review, only the MGA issues it
            raise InvalidTransition(
                _("La pratica è «%(current)s»: non si può emettere.")
                % {"current": practice.get_status_display()}
            )
        _check_demands_and_needs(practice)
        _check_required_documents(practice)
        reasons = review_reasons(practice)
        if not reasons:
            return _issue(actor=actor, practice=practice)
        _guard(practice, S.IN_REVIEW)
        practice.status, practice.submitted_at = S.IN_REVIEW, timezone.now()
        practice.review_reason = Truncator("; ".join(reasons)).chars(300)
        practice.save(update_fields=["status", "submitted_at", "review_reason"])
        record_audit(actor=actor, action="practice.submitted", target=practice)
        for email in role_emails(OPERATOR):
            queue_email(to=email, template="practice_to_review", context={"practice": practice})
        return practice


def approve_practice(*, actor, practice: Practice, version: int | None = None) -> Practice:
    """An operator approves a practice in review: it is issued."""
    require(actor, "review_practices")
    with transaction.atomic():
        practice = _locked(practice, version)
        if practice.status != S.IN_REVIEW:
            raise InvalidTransition(_("La pratica non è in revisione."))
        return _issue(actor=actor, practice=practice)


def decline_practice(
    *, actor, practice: Practice, reason: str, version: int | None = None
) -> Practice:
    """An operator declines a practice in review, with the reason e-mailed to the firm; the
    MGA's open requests about it leave the firm's to-dos."""
    require(actor, "review_practices")
    reason = bounded_text(reason, limit=300, field="reason")
    if not reason:
        raise DomainError(_("Indica il motivo del rifiuto."), field="reason")
    with transaction.atomic():
        thread = thread_of(practice)
        if thread is not None:  # the thread before the practice: the lock order of messages
            withdraw_requests(actor=actor, thread=thread)
        practice = _locked(practice, version)
        _guard(practice, S.DECLINED)
        practice.status, practice.review_reason = S.DECLINED, reason
        practice.save(update_fields=["status", "review_reason"])
        record_audit(
            actor=actor,
            action="practice.declined",
            target=practice,
            data={"reason": practice.review_reason},
        )
        for email in practice.firm.users.filter(is_active=True).values_list("email", flat=True):
            queue_email(to=email, template="practice_declined", context={"practice": practice})
        return practice


def _practice_thread(
    actor, practice: Practice, body: str, *, is_request=False, files=(), base_url=""
):
    return write_about(
        actor=actor,
        firm=practice.firm,
        subject_type="practice",
        subject_id=str(practice.pk),
        title=_("Pratica %(product)s — %(client)s")
        % {"product": practice.product.name, "client": practice.client.display_name},
        body=body,
        is_request=is_request,
        files=files,
        base_url=base_url,
    )


def write_about_practice(*, actor, practice: Practice, text: str, base_url: str = ""):
    """A message between the firm and the MGA in the practice's Comunicazioni thread; from the
    firm, it answers the MGA's request for information (record_practice_message)."""
    require(actor, "use_messages")
    _own(actor, practice)
    return _practice_thread(actor, practice, text, base_url=base_url)


def request_practice_information(
    *, actor, practice: Practice, text: str, version: int | None = None, base_url: str = ""
) -> Practice:
    """An operator asks the firm for information on a practice in review: it waits in
    `info_requested`; the request is a to-do in the practice's Comunicazioni thread."""
    require(actor, "review_practices")
    if not text.strip():
        raise DomainError(_("Scrivi che cosa serve."), field="text")
    with transaction.atomic():
        # The thread first, then the practice: the order every message in the thread locks
        # them (record_practice_message); a refusal below drops the request too.
        _practice_thread(actor, practice, text.strip(), is_request=True, base_url=base_url)
        practice = _locked(practice, version)
        _guard(practice, S.INFO_REQUESTED)
        practice.status = S.INFO_REQUESTED
        practice.save(update_fields=["status"])
        record_audit(actor=actor, action="practice.info_requested", target=practice)
        return practice


def answer_practice_information(
    *, actor, practice: Practice, text: str, files=(), base_url: str = ""
) -> Practice:
    """The firm answers the MGA's request with a message and/or documents (which join the
    practice's documents): the practice goes back to review."""
    require(actor, "work_portfolio")
    _own(actor, practice)
    if not text.strip() and not files:
        raise DomainError(_("Scrivi la risposta o allega i documenti richiesti."), field="text")
    _waiting_for_answer(Practice.objects.get(pk=practice.pk))
    body = text.strip() or _("Documenti inviati: %(names)s.") % {
        "names": ", ".join(f.name for f in files)
    }
    with transaction.atomic():
        _practice_thread(actor, practice, body, files=files, base_url=base_url)
        # record_practice_message has locked the practice and put it back in review, unless it
        # stopped waiting meanwhile (e.g. declined): then nothing is sent.
        practice = Practice.objects.get(pk=practice.pk)
        if practice.status != S.IN_REVIEW:
            _waiting_for_answer(practice)
        return practice


def _waiting_for_answer(practice: Practice) -> None:
    if practice.status != S.INFO_REQUESTED:
        raise InvalidTransition(
            _("La pratica è «%(current)s»: l'MGA non sta aspettando informazioni.")
            % {"current": practice.get_status_display()}
        )


def record_practice_message(message) -> None:
    """Comunicazioni follower: a message in a practice's thread (inside its transaction).
    Its attachments join the practice's documents; any message from the firm answers the
    MGA's request, and the practice goes back to review."""
    practice = Practice.objects.select_for_update().get(pk=int(message.thread.subject_id))
    PracticeDocument.objects.bulk_create(
        PracticeDocument(
            practice=practice,
            kind=OTHER_DOCUMENT,
            label=_("Allegato alle comunicazioni"),
            file=attachment,
            uploaded_by=message.author,
            uploaded_at=message.created_at,
        )
        for attachment in message.attachments.all()
    )
    if not message.from_mga and practice.status == S.INFO_REQUESTED:
        practice.status = S.IN_REVIEW
        practice.save(update_fields=["status"])
        record_audit(actor=message.author, action="practice.info_answered", target=practice)


def _require_delivery(practice: Practice) -> None:
    """No signature without the pre-contractual documents delivered first: by the outbox's
    e-mail, or on paper against the client's signed receipt. Without a recorded medium they
    are delivered on the signing page itself, acknowledged before the code can be asked."""
    if not disclosures_stored(practice):
        raise DomainError(_("Prima prepara i documenti precontrattuali da consegnare al cliente."))
    medium = practice.delivery.get("medium", "")
    if not medium or confirm_disclosure_delivery(practice):
        return
    if medium == M.PAPER:
        raise DomainError(
            _(
                "Prima carica la ricevuta firmata dal cliente per i documenti precontrattuali "
                "consegnati su carta."
            )
        )
    message = delivery_message(practice)
    if message is not None and message.status == message.Status.FAILED:
        raise DomainError(
            _(
                "L'e-mail con i documenti precontrattuali non è stata recapitata: controlla "
                "l'indirizzo del cliente e inviali di nuovo."
            )
        )
    raise DomainError(
        _(
            "L'e-mail con i documenti precontrattuali non è ancora partita: il contratto si "
            "invia in firma dopo la loro consegna. Riprova tra qualche minuto."
        )
    )


def send_practice_for_signature(
    *,
    actor,
    practice: Practice,
    identity_name: str,
    identity_data: bytes,
    identity_attested: bool,
    signer_name: str = "",
    signer_codice_fiscale: str = "",
    base_url: str = "",
) -> Practice:
    """Send the issued contract to the client for the FEA signature by SMS code.

    The collaborator uploads the identity document they identified the signer with; a
    company signs through its legal representative, named here. The link is built on
    `base_url`, the address the collaborator is using (SITE_URL when empty).
    """
    require(actor, "manage_signatures")
    _own(actor, practice)
    client = practice.client
    if client.kind == client.Kind.PERSON:
        signer_name, signer_codice_fiscale = client.display_name, client.codice_fiscale
    elif not signer_name.strip() or not signer_codice_fiscale.strip():
        raise DomainError(
            _("Indica nome e codice fiscale del legale rappresentante che firma."),
            field="signer_name",
        )
    with transaction.atomic():
        practice = Practice.objects.select_for_update().get(pk=practice.pk)
        _guard(practice, S.SIGNING)
        _require_delivery(practice)
        identity = (
            store_upload(actor=actor, name=identity_name, data=identity_data)
            if identity_data
            else None
        )
        create_signature_request(
            actor=actor,
            firm=practice.firm,
            subject_kind="practice",
            subject_id=practice.pk,
            title=_("Contratto di polizza %(number)s — %(product)s")
            % {"number": practice.policy_number, "product": practice.product.name},
            document=practice.contract,
            signer=SignerData(
                name=signer_name.strip(),
                codice_fiscale=signer_codice_fiscale.strip().upper(),
                email=client.email,
                mobile=client.mobile,
            ),
            identity_document=identity,
            identity_attested=identity_attested,
            base_url=base_url,
        )
        practice.status = S.SIGNING
        practice.save(update_fields=["status"])
        record_audit(actor=actor, action="practice.sent_for_signature", target=practice)
        return practice


def record_contract_signed(signature) -> None:
    """Signature handler: the client signed the contract (called inside the signing
    transaction)."""
    practice = Practice.objects.select_for_update().get(pk=signature.subject_id)
    _guard(practice, S.SIGNED)
    practice.status = S.SIGNED
    practice.signed_contract, practice.signature_report = (
        signature.signed_document,
        signature.report,
    )
    practice.save(update_fields=["status", "signed_contract", "signature_report"])
    record_audit(actor=None, action="practice.signed", target=practice)


def record_signature_closed(signature) -> None:
    """Signature handler: the request ended unsigned; the contract can be sent again."""
    practice = Practice.objects.select_for_update().get(pk=signature.subject_id)
    if practice.status == S.SIGNING:
        practice.status = S.ISSUED
        practice.save(update_fields=["status"])
        record_audit(
            actor=None,
            action="practice.signature_closed",
            target=practice,
            data={"outcome": signature.get_status_display()},
        )


# --- Perfezionamento: payments put a signed practice in force ------------------------------

P = Payment.Status


def _euro(amount: Decimal) -> str:
    return "€ " + number_format(amount, 2, force_grouping=True)


def _firm_emails(practice: Practice) -> list[str]:
    return list(practice.firm.users.filter(is_active=True).values_list("email", flat=True))


def _complete(*, actor, practice: Practice, sha256: str) -> None:
    """Perfezionamento of a signed practice by its first payment: in force at once if its start
    date has come, otherwise perfezionata and in force from that day (start_practices). Either
    way a renewal makes the practice it renews renewed."""
    if practice.effective_date > timezone.localdate():
        _guard(practice, S.COMPLETED)
        practice.status = S.COMPLETED
        practice.save(update_fields=["status"])
        record_audit(
            actor=actor,
            action="practice.completed",
            target=practice,
            data={"effective_date": practice.effective_date.isoformat()},
        )
    else:
        _put_in_force(actor=actor, practice=practice, sha256=sha256)
    if practice.renewal_of_id is not None:
        old = Practice.objects.select_for_update().get(pk=practice.renewal_of_id)
        if old.status in (S.IN_FORCE, S.EXPIRED):
            _guard(old, S.RENEWED)
            old.status = S.RENEWED
            old.save(update_fields=["status"])
            record_audit(
                actor=actor, action="practice.renewed", target=old, data={"renewal": practice.pk}
            )


def _put_in_force(*, actor, practice: Practice, sha256: str) -> None:
    """The one place a practice enters into force (ledger: practice.in_force with the hash of
    the receipt that completed it)."""
    _guard(practice, S.IN_FORCE)
    practice.status, practice.in_force_at = S.IN_FORCE, timezone.now()
    practice.save(update_fields=["status", "in_force_at"])
    record_event(type="practice.in_force", ref=str(practice.uuid), sha256=sha256)
    record_audit(actor=actor, action="practice.in_force", target=practice)


def start_practices(*, today: date | None = None) -> int:
    """Daily job: perfezionate practices whose start date has come enter into force. Each under
    its row lock, so a rerun or a concurrent run starts none twice. Returns how many started."""
    today = today or timezone.localdate()
    started = 0
    due = Practice.objects.filter(status=S.COMPLETED, effective_date__lte=today)
    for pk in due.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            practice = Practice.objects.select_for_update().get(pk=pk)
            if practice.status != S.COMPLETED:
                continue
            receipt = (
                practice.payments.exclude(status=P.REJECTED)
                .select_related("receipt")
                .get(instalment=1)
                .receipt
            )
            _put_in_force(actor=None, practice=practice, sha256=receipt.sha256)
            started += 1
    return started


def record_payment(
    *, actor, practice: Practice, method: str, paid_on: date, amount: Decimal, receipt
) -> Payment:
    """Perfezionamento: the collaborator records the instalment the client paid, with the receipt
    (`receipt`: an uploaded file, validated by its content).

    The amount must equal the instalment due; an instalment is paid once. The first payment of a
    signed practice completes it: in force from its start date (`_complete`).
    """
    require(actor, "work_portfolio")
    _own(actor, practice)
    if method not in Payment.Method.values:
        raise DomainError(_("Scegli la modalità di pagamento."), field="method")
    if paid_on > timezone.localdate():
        raise DomainError(_("La data del pagamento non può essere nel futuro."), field="paid_on")
    if receipt is None:
        raise DomainError(_("Allega la ricevuta del pagamento."), field="receipt")
    try:
        validated = validate_upload(name=receipt.name, data=receipt.read())
    except DomainError as refused:
        raise DomainError(refused.message, field="receipt") from refused
    with transaction.atomic():
        practice = Practice.objects.select_for_update().get(pk=practice.pk)
        if practice.status not in (S.SIGNED, S.COMPLETED, S.IN_FORCE):
            raise InvalidTransition(
                _("La pratica è «%(current)s»: il pagamento si registra a contratto firmato.")
                % {"current": practice.get_status_display()}
            )
        instalment = due_instalment(practice)
        if instalment is None:
            raise InvalidTransition(_("Il premio di questa pratica è già stato pagato."))
        due = practice.instalments[instalment - 1]
        if amount != due:
            raise DomainError(
                _("L'importo deve essere uguale alla rata dovuta (%(n)s di %(count)s): %(due)s.")
                % {"n": instalment, "count": len(practice.instalments), "due": _euro(due)},
                field="amount",
            )
        payment = Payment.objects.create(
            practice=practice,
            firm_id=practice.firm_id,
            instalment=instalment,
            method=method,
            paid_on=paid_on,
            amount=amount,
            commission=practice.commission_shares[instalment - 1],
            receipt=store_file(actor=actor, validated=validated),
            recorded_by=actor,
        )
        record_audit(
            actor=actor,
            action="practice.payment_recorded",
            target=practice,
            data={"instalment": instalment, "amount": str(amount), "method": method},
        )
        if practice.status == S.SIGNED:
            _complete(actor=actor, practice=practice, sha256=payment.receipt.sha256)
        return payment


def _checked_payment(actor, payment: Payment) -> Payment:
    require(actor, "review_practices")
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.status != P.TO_VERIFY:
        raise InvalidTransition(
            _("Il pagamento è già «%(status)s».") % {"status": payment.get_status_display()}
        )
    return payment


def verify_payment(*, actor, payment: Payment) -> Payment:
    """An operator confirms that the money arrived."""
    with transaction.atomic():
        payment = _checked_payment(actor, payment)
        payment.status, payment.checked_by, payment.checked_at = P.VERIFIED, actor, timezone.now()
        payment.save(update_fields=["status", "checked_by", "checked_at"])
        record_audit(
            actor=actor,
            action="practice.payment_verified",
            target=payment.practice,
            data={"instalment": payment.instalment},
        )
        return payment


def reject_payment(*, actor, payment: Payment, reason: str) -> Payment:
    """An operator rejects a payment with a reason e-mailed to the firm: the instalment is due
    again, and a practice that this payment had put in force goes back to waiting for it."""
    reason = bounded_text(reason, limit=300, field="reason")
    if not reason:
        raise DomainError(_("Indica il motivo del rifiuto."), field="reason")
    with transaction.atomic():
        payment = _checked_payment(actor, payment)
        practice = Practice.objects.select_for_update().get(pk=payment.practice_id)
        payment.status, payment.rejection_reason = P.REJECTED, reason
        payment.checked_by, payment.checked_at = actor, timezone.now()
        payment.save(update_fields=["status", "rejection_reason", "checked_by", "checked_at"])
        record_audit(
            actor=actor,
            action="practice.payment_rejected",
            target=practice,
            data={"instalment": payment.instalment, "reason": payment.rejection_reason},
        )
        if payment.instalment == 1 and practice.status in (S.IN_FORCE, S.COMPLETED):
            _guard(practice, S.SIGNED)
            practice.status, practice.in_force_at = S.SIGNED, None
            practice.save(update_fields=["status", "in_force_at"])
            record_audit(actor=actor, action="practice.completion_undone", target=practice)
            old = practice.renewal_of
            if old is not None and old.status == S.RENEWED:
                # Not renewed after all: in force again, or expired if its period is over.
                back = S.IN_FORCE if old.end_date >= timezone.localdate() else S.EXPIRED
                _guard(old, back)
                old.status = back
                old.save(update_fields=["status"])
                record_audit(actor=actor, action="practice.renewal_undone", target=old)
        for email in _firm_emails(practice):
            queue_email(
                to=email,
                template="payment_rejected",
                context={"practice": practice, "payment": payment},
            )
        return payment


# --- Expiries and renewals -------------------------------------------------------------------

# Rows listed in an expiry digest: mail clients clip longer messages (Gmail at 102 kB, about
# 180 rows); the rest are counted, and the link opens them all.
EXPIRY_DIGEST_ROWS = 150


def _collaborator_emails(practice: Practice) -> list[str]:
    author = practice.created_by
    return [author.email] if author.is_active else _firm_emails(practice)


def _record_reminders(due: list[tuple[int, int, int]], thresholds: list[int]) -> list[int]:
    """Record each due practice's reminder at its threshold and at the farther ones (skipped
    after missed days), once each: a concurrent or repeated run inserts nothing twice. Returns
    the practices whose reminder at their threshold is new."""
    now = timezone.now()
    threshold_of = {pk: threshold for pk, _firm, threshold in due}
    rows = [(pk, t) for pk, threshold in threshold_of.items() for t in thresholds if t >= threshold]
    table = connection.ops.quote_name(ExpiryReminder._meta.db_table)
    values = ", ".join(["(%s, %s, %s)"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (practice_id, days, sent_at) VALUES {values} "  # noqa: S608
            "ON CONFLICT (practice_id, days) DO NOTHING RETURNING practice_id, days",
            [value for pk, days in rows for value in (pk, days, now)],
        )
        return [pk for pk, days in cursor.fetchall() if days == threshold_of[pk]]


def _whole_firms(due: list[tuple[int, int, int]], size: int):
    """`due` (ordered by firm) in batches of whole firms, each closed once it reaches `size`
    practices: a large firm makes a large batch."""
    batch: list[tuple[int, int, int]] = []
    for _firm, rows in groupby(due, key=itemgetter(1)):
        batch += rows
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _expiry_digest(*, to: str, practices: list[Practice], today: date) -> dict:
    """The e-mail "Pratiche in scadenza" to `to` (for `queue_emails`): the practices by end date,
    each linked by its id, and a link to the expiring list over a window that shows them all."""
    site = settings.SITE_URL.rstrip("/")
    practices = sorted(practices, key=lambda p: (p.end_date, p.policy_number, p.pk))
    rows = [
        {
            "practice": p,
            "days": (p.end_date - today).days,
            "link": site + reverse("practices:detail", args=[p.pk]),
        }
        for p in practices[:EXPIRY_DIGEST_ROWS]
    ]
    farthest = (practices[-1].end_date - today).days
    window = min(
        (w for w in settings.PRACTICE_EXPIRING_WINDOWS if w >= farthest),
        default=max(settings.PRACTICE_EXPIRING_WINDOWS),
    )
    return {
        "to": to,
        "template": "practices_expiring",
        "context": {
            "rows": rows,
            "count": len(practices),
            "more": len(practices) - len(rows),
            "list_link": f"{site}{reverse('practices:expiring')}?giorni={window}",
        },
    }


def send_expiry_reminders(*, today: date | None = None, chunk: int = 500) -> int:
    """Daily job: e-mail each collaborator one digest of their in-force practices without a
    renewal that came within 60, 30 or 7 days (PRACTICE_REMINDER_DAYS) of their end — each
    practice once per threshold, however often the job runs; after missed days only at the
    nearest threshold. Returns the practices reminded.

    A recipient's practices all belong to one firm (the author's, or the firm's users when the
    author is inactive), so the job works in batches of whole firms, each its own transaction:
    the reminders are recorded (`INSERT … ON CONFLICT DO NOTHING RETURNING`, `chunk` practices a
    statement) and each recipient's digest of the new ones queued beside them. A failure loses
    nothing and a rerun repeats nothing; a concurrent run waits on the rows being inserted and,
    once they are committed, finds them taken and e-mails nothing for them.
    """
    today = today or timezone.localdate()
    thresholds = sorted(settings.PRACTICE_REMINDER_DAYS)
    reminded = 0
    for batch in _whole_firms(reminders_due(today), chunk):
        with transaction.atomic():
            digests: dict[str, list[Practice]] = defaultdict(list)
            for first in range(0, len(batch), chunk):
                fresh = _record_reminders(batch[first : first + chunk], thresholds)
                for practice in practices_to_remind(fresh):
                    for email in _collaborator_emails(practice):
                        digests[email].append(practice)
                reminded += len(fresh)
            queue_emails(
                [
                    _expiry_digest(to=email, practices=practices, today=today)
                    for email, practices in digests.items()
                ]
            )
    return reminded


def expire_practices(*, today: date | None = None, chunk: int = 1000) -> int:
    """Daily job: practices in force past their end date (not renewed) become expired.

    In chunks, each one UPDATE and one audit INSERT in its own transaction: a rerun after a
    failure picks up what is left and expires nothing twice.
    """
    today = today or timezone.localdate()
    expired = 0
    ended = list(
        Practice.objects.filter(status=S.IN_FORCE, end_date__lt=today)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for first in range(0, len(ended), chunk):
        with transaction.atomic():
            rows = Practice.objects.select_for_update().filter(
                pk__in=ended[first : first + chunk], status=S.IN_FORCE
            )
            pks = list(rows.values_list("pk", flat=True))
            # version + 1: a form still open on one of them is told it changed.
            Practice.objects.filter(pk__in=pks).update(status=S.EXPIRED, version=F("version") + 1)
            record_audits(
                actor=None, action="practice.expired", targets=[Practice(pk=pk) for pk in pks]
            )
            expired += len(pks)
    return expired


def renew_practice(*, actor, practice: Practice) -> Practice:
    """RINNOVA PRATICA: a new draft for the next period (effective on the old end date), with the
    same client, product and answers, re-rated with the tariff valid then. It follows the normal
    flow; when it comes into force the old practice becomes renewed."""
    require(actor, "work_portfolio")
    _own(actor, practice)
    with transaction.atomic():
        old = Practice.objects.select_for_update().get(pk=practice.pk)
        if old.status not in (S.IN_FORCE, S.EXPIRED):
            raise InvalidTransition(
                _("La pratica è «%(current)s»: si rinnovano le pratiche in vigore o scadute.")
                % {"current": old.get_status_display()}
            )
        earliest, latest = renewal_window(timezone.localdate())
        if old.end_date > latest:
            raise DomainError(
                _("Il rinnovo si prepara negli ultimi %(days)s giorni prima della scadenza.")
                % {"days": max(settings.PRACTICE_EXPIRING_WINDOWS)}
            )
        if old.end_date < earliest:
            raise DomainError(_("La pratica è scaduta da troppo tempo: fai una nuova pratica."))
        if old.renewals.exclude(status__in=ABANDONED).exists():
            raise DomainError(_("Questa pratica ha già un rinnovo in corso."))
        version, breakdown, answers = price_or_refuse(
            product=old.product, on=old.end_date, answers=old.answers
        )
        renewal = _new_practice(
            actor,
            client=old.client,
            product=old.product,
            tariff=version,
            answers=answers,
            effective_date=old.end_date,
            priced=breakdown,
            breakdown=breakdown.as_json(),
            renewal_of=old,
        )
        mark_tariff_used(version)
        record_audit(
            actor=actor,
            action="practice.renewal_created",
            target=renewal,
            data={"renews": old.policy_number, "previous_gross": str(old.gross)},
        )
        return renewal


def change_renewal_answers(
    *, actor, practice: Practice, answers: dict, version: int | None = None
) -> Practice:
    """At renewal the client's situation may have changed (limit, deductible, turnover…): the
    renewal's answers are replaced and it is re-rated with the tariff valid on its start date;
    the page shows the new premium against the previous period's. Answers the tariff cannot
    price are refused and change nothing."""
    require(actor, "work_portfolio")
    _own(actor, practice)
    with transaction.atomic():
        practice = _locked(practice, version)
        if practice.renewal_of_id is None or practice.status != S.DRAFT:
            raise InvalidTransition(
                _("Il questionario si modifica su un rinnovo non ancora emesso.")
            )
        tariff, breakdown, answers = price_or_refuse(
            product=practice.product, on=practice.effective_date, answers=answers
        )
        previous = practice.gross
        practice.answers, practice.tariff = answers, tariff
        practice.net, practice.tax, practice.gross = breakdown.net, breakdown.tax, breakdown.gross
        practice.commission, practice.breakdown = breakdown.commission, breakdown.as_json()
        practice.save(
            update_fields=[
                "answers",
                "tariff",
                "net",
                "tax",
                "gross",
                "commission",
                "breakdown",
            ]
        )
        mark_tariff_used(tariff)
        record_audit(
            actor=actor,
            action="practice.renewal_changed",
            target=practice,
            data={"previous_gross": str(previous), "gross": str(practice.gross)},
        )
        return practice
