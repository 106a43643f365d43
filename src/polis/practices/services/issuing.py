"""A practice from a product or a quote, and its issuing (number, contract PDF, ledger)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from polis.audit.services import record_audit
from polis.catalog.selectors import coverages_of
from polis.catalog.services import mark_tariff_used
from polis.catalog.target_market import target_market_record
from polis.clients.services import check_processing_allowed
from polis.core.access import require
from polis.core.errors import DomainError, InvalidTransition
from polis.core.numbering import formatted_number
from polis.documents.pdf import render_pdf
from polis.documents.services import store_file
from polis.documents.validation import ValidatedFile
from polis.ledger.services import record_event
from polis.lifecycle import check_transition, lock, transition
from polis.practices.audit import PracticeAudit
from polis.practices.models import Practice
from polis.practices.registry import tell_insured
from polis.practices.selectors import review_reasons, target_market_check
from polis.practices.services._common import S, _own, _to_review
from polis.practices.services.signing import _hand_over_disclosures
from polis.quotes.models import Quote
from polis.quotes.services import price_for_client

if TYPE_CHECKING:
    from polis.accounts.models import User
    from polis.catalog.models import Product, TariffVersion
    from polis.catalog.rating import Breakdown
    from polis.clients.models import Client


def _one_year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _new_practice(
    actor: User,
    *,
    client: Client,
    product: Product,
    tariff: TariffVersion,
    answers: dict,
    effective_date: date,
    priced: Breakdown | Quote,
    breakdown: dict,
    **extra: object,
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


def create_practice(
    *, actor: User, client: Client, product: Product, answers: dict, effective_date: date
) -> Practice:
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
        record_audit(actor=actor, action=PracticeAudit.CREATED, target=practice)
        return practice


def convert_quote(*, actor: User, quote: Quote) -> Practice:
    """Start a practice from a valid quote: same client, product, answers, tariff and premium."""
    require(actor, "work_portfolio")
    _own(actor, quote)
    check_processing_allowed(quote.client)
    with transaction.atomic():
        quote = lock(quote)
        if not Quote.lifecycle.allows(quote.status, Quote.Status.CONVERTED):
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
            target_market=quote.target_market,
        )
        mark_tariff_used(quote.tariff)
        transition(quote, Quote.Status.CONVERTED, actor=actor, data={"practice": practice.pk})
        record_audit(
            actor=actor, action=PracticeAudit.CREATED, target=practice, data={"quote": quote.number}
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


def _issue(*, actor: User, practice: Practice) -> Practice:
    # Refused before a policy number is taken.
    check_transition(practice, S.ISSUED)
    practice.policy_number = formatted_number(practice.product.code, timezone.localdate().year)
    practice.contract = store_file(actor=actor, validated=_contract(practice))
    practice.issued_at = timezone.now()
    _hand_over_disclosures(actor=actor, practice=practice)
    transition(
        practice,
        S.ISSUED,
        actor=actor,
        fields=("disclosures", "delivery", "policy_number", "contract", "issued_at"),
        data={"policy_number": practice.policy_number},
    )
    record_event(type="policy.issued", ref=str(practice.uuid), sha256=practice.contract.sha256)
    tell_insured(practice=practice)
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


def _check_target_market(actor: User, practice: Practice, justification: str) -> None:
    """POG at issue, with the demands and needs now known: the negative target market blocks;
    outside it the justification given at quote still holds for the same reasons, else a new
    one is required. Kept on the practice (the MGA's report lists it)."""
    check = target_market_check(practice)
    practice.target_market = target_market_record(
        check,
        justification=justification,
        by=actor.get_full_name(),
        previous=practice.target_market,
    )
    practice.save(update_fields=["target_market"])


def issue_practice(
    *,
    actor: User,
    practice: Practice,
    version: int | None = None,
    target_market_justification: str = "",
) -> Practice:
    """ "Emetti polizza": within the product's automatic limits the policy is issued at once —
    gap-free number per product and year, contract PDF hashed into the ledger, disclosures
    recorded — otherwise the practice goes to the MGA's review and operators are e-mailed.
    The client is checked against the product's target market first (POG)."""
    require(actor, "work_portfolio")
    _own(actor, practice)
    with transaction.atomic():
        practice = lock(practice, version)
        if practice.status != S.DRAFT:  # in review, only the MGA issues it
            raise InvalidTransition(
                _("La pratica è «%(current)s»: non si può emettere.")
                % {"current": practice.get_status_display()}
            )
        _check_demands_and_needs(practice)
        _check_required_documents(practice)
        _check_target_market(actor, practice, target_market_justification)
        reasons = review_reasons(practice)
        if not reasons:
            return _issue(actor=actor, practice=practice)
        _to_review(
            practice,
            reasons,
            actor=actor,
            action=PracticeAudit.SUBMITTED,
            template="practice_to_review",
            context={"practice": practice},
        )
        return practice
