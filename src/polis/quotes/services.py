"""FAI PREVENTIVO: price a product for a client and keep the offer with its PDF."""

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from polis.audit.services import record_audit
from polis.catalog import services as catalog
from polis.catalog.models import Product
from polis.clients.models import Client
from polis.core.access import require
from polis.core.errors import DomainError, PermissionDenied
from polis.core.numbering import formatted_number
from polis.documents.pdf import render_pdf
from polis.documents.services import store_file
from polis.documents.validation import ValidatedFile
from polis.quotes.models import Quote


def _render_pdf(quote: Quote) -> ValidatedFile:
    return render_pdf(
        template="quotes/pdf.html",
        name=f"preventivo-{quote.number}.pdf",
        context={
            "quote": quote,
            "mga_name": settings.MGA_NAME,
            "mga_legal_name": settings.MGA_LEGAL_NAME,
        },
    )


def create_quote(
    *, actor, client: Client, product: Product, answers: dict, effective_date: date
) -> Quote:
    """Price the answers with the tariff valid on the effective date and keep the quote.

    Outside the tariff (ReferralRequired) nothing is saved and the message says to ask the MGA
    for a custom quote. The tariff version used becomes immutable.
    """
    require(actor, "work_portfolio")
    if client.firm_id != actor.firm_id:
        raise PermissionDenied(_("Non hai i permessi per questo cliente."))
    if effective_date < timezone.localdate():
        raise DomainError(_("La decorrenza non può essere nel passato."), field="effective_date")
    version, breakdown = catalog.price_or_refuse(
        product=product, on=effective_date, answers=answers
    )
    with transaction.atomic():
        quote = Quote.objects.create(
            number=formatted_number("PRV", timezone.localdate().year),
            firm=actor.firm,
            client=client,
            product=product,
            tariff=version,
            answers=answers,
            effective_date=effective_date,
            net=breakdown.net,
            tax=breakdown.tax,
            gross=breakdown.gross,
            commission=breakdown.commission,
            breakdown=breakdown.as_json(),
            valid_until=timezone.localdate() + timedelta(days=product.quote_validity_days),
            created_by=actor,
        )
        catalog.mark_tariff_used(version)
        quote.pdf = store_file(actor=actor, validated=_render_pdf(quote))
        quote.save(update_fields=["pdf"])
        record_audit(
            actor=actor, action="quote.priced", target=quote, data={"gross": str(quote.gross)}
        )
        return quote


def duplicate_quote(*, actor, quote: Quote) -> Quote:
    """A new quote with the same answers, re-priced today (e.g. after expiry)."""
    effective = max(quote.effective_date, timezone.localdate())
    return create_quote(
        actor=actor,
        client=quote.client,
        product=quote.product,
        answers=quote.answers,
        effective_date=effective,
    )
