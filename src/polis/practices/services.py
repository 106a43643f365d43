"""Practices: from a quote to an issued policy (numbered, contract PDF, disclosures, ledger)."""

from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from polis.audit.services import record_audit
from polis.catalog.services import mark_tariff_used
from polis.core.access import OPERATOR, require
from polis.core.errors import DomainError, InvalidTransition, PermissionDenied
from polis.core.numbering import formatted_number
from polis.documents.pdf import render_pdf
from polis.documents.services import store_file, store_upload
from polis.documents.validation import ValidatedFile
from polis.ledger.services import record_event
from polis.notify.services import queue_email
from polis.practices.disclosures import render_disclosures
from polis.practices.models import Practice
from polis.quotes.models import Quote
from polis.signatures.services import SignerData, create_signature_request

S = Practice.Status
# DESIGN §3. "cancelled" is possible from any state before in force.
TRANSITIONS = {
    S.DRAFT: {S.ISSUED, S.IN_REVIEW, S.CANCELLED},
    S.IN_REVIEW: {S.ISSUED, S.DECLINED, S.INFO_REQUESTED, S.CANCELLED},
    S.INFO_REQUESTED: {S.IN_REVIEW, S.DECLINED, S.CANCELLED},
    S.ISSUED: {S.SIGNING, S.CANCELLED},
    S.SIGNING: {S.SIGNED, S.ISSUED, S.CANCELLED},
    S.SIGNED: {S.IN_FORCE, S.CANCELLED},
    S.IN_FORCE: {S.RENEWED, S.EXPIRED},
    S.RENEWED: set(),
    S.EXPIRED: set(),
    S.DECLINED: set(),
    S.CANCELLED: set(),
}


def _guard(practice: Practice, wanted: str) -> None:
    if wanted not in TRANSITIONS[practice.status]:
        raise InvalidTransition(
            _("La pratica è «%(current)s»: non può passare a «%(wanted)s».")
            % {"current": practice.get_status_display(), "wanted": S(wanted).label}
        )


def _own(actor, practice_or_quote) -> None:
    if actor.role == "collaborator" and practice_or_quote.firm_id != actor.firm_id:
        raise PermissionDenied(_("Non hai i permessi per questa pratica."))


def _one_year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


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
        practice = Practice.objects.create(
            firm=quote.firm,
            client=quote.client,
            product=quote.product,
            tariff=quote.tariff,
            quote=quote,
            answers=quote.answers,
            effective_date=quote.effective_date,
            end_date=_one_year_after(quote.effective_date),
            net=quote.net,
            tax=quote.tax,
            gross=quote.gross,
            commission=quote.commission,
            breakdown=quote.breakdown,
            created_by=actor,
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
            "mga_name": settings.MGA_NAME,
            "mga_legal_name": settings.MGA_LEGAL_NAME,
        },
    )


def _issue(*, actor, practice: Practice) -> Practice:
    _guard(practice, S.ISSUED)
    now = timezone.now()
    issuer = practice.created_by
    practice.disclosures = [
        {
            "kind": d.template.kind,
            "version": d.template.version,
            "sha256": d.sha256,
            "delivered_at": now.isoformat(),
        }
        for d in render_disclosures(
            firm=practice.firm,
            person=issuer,
            on=timezone.localdate(),
            insurers=[practice.product.insurer.name],
        )
    ]
    practice.policy_number = formatted_number(practice.product.code, timezone.localdate().year)
    practice.contract = store_file(actor=actor, validated=_contract(practice))
    practice.status, practice.issued_at = S.ISSUED, now
    practice.save(update_fields=["disclosures", "policy_number", "contract", "status", "issued_at"])
    record_event(type="policy.issued", ref=str(practice.uuid), sha256=practice.contract.sha256)
    record_audit(
        actor=actor,
        action="practice.issued",
        target=practice,
        data={"policy_number": practice.policy_number},
    )
    return practice


def issue_practice(*, actor, practice: Practice) -> Practice:
    """ "Emetti polizza": within the product's automatic limits the policy is issued at once —
    gap-free number per product and year, contract PDF hashed into the ledger, disclosures
    recorded — otherwise the practice goes to the MGA's review and operators are e-mailed."""
    require(actor, "work_portfolio")
    _own(actor, practice)
    with transaction.atomic():
        practice = Practice.objects.select_for_update().get(pk=practice.pk)
        if practice.gross <= practice.product.auto_issue_max_gross:
            return _issue(actor=actor, practice=practice)
        _guard(practice, S.IN_REVIEW)
        practice.status = S.IN_REVIEW
        practice.review_reason = _("Premio oltre il limite di emissione automatica")
        practice.save(update_fields=["status", "review_reason"])
        record_audit(actor=actor, action="practice.submitted", target=practice)
        for email in (
            get_user_model()
            .objects.filter(role=OPERATOR, is_active=True)
            .values_list("email", flat=True)
        ):
            queue_email(to=email, template="practice_to_review", context={"practice": practice})
        return practice


def approve_practice(*, actor, practice: Practice) -> Practice:
    """An operator approves a practice in review: it is issued."""
    require(actor, "review_practices")
    with transaction.atomic():
        practice = Practice.objects.select_for_update().get(pk=practice.pk)
        if practice.status != S.IN_REVIEW:
            raise InvalidTransition(_("La pratica non è in revisione."))
        return _issue(actor=actor, practice=practice)


def decline_practice(*, actor, practice: Practice, reason: str) -> Practice:
    """An operator declines a practice in review, with the reason e-mailed to the firm."""
    require(actor, "review_practices")
    if not reason.strip():
        raise DomainError(_("Indica il motivo del rifiuto."), field="reason")
    with transaction.atomic():
        practice = Practice.objects.select_for_update().get(pk=practice.pk)
        _guard(practice, S.DECLINED)
        practice.status, practice.review_reason = S.DECLINED, reason.strip()
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


def send_practice_for_signature(
    *,
    actor,
    practice: Practice,
    identity_name: str,
    identity_data: bytes,
    identity_attested: bool,
    signer_name: str = "",
    signer_codice_fiscale: str = "",
) -> Practice:
    """Send the issued contract to the client for the FEA signature by SMS code.

    The collaborator uploads the identity document they identified the signer with; a
    company signs through its legal representative, named here.
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
