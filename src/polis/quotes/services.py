"""FAI PREVENTIVO: price a product for a client and keep the offer with its PDF."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from polis.audit.services import record_audit
from polis.catalog import services as catalog
from polis.catalog.models import Product
from polis.catalog.rating import CENT, load_tariff
from polis.catalog.selectors import coverages_of
from polis.catalog.target_market import check_target_market, target_market_record
from polis.clients.models import Client
from polis.clients.services import check_processing_allowed
from polis.core.access import require
from polis.core.errors import DomainError, InvalidTransition, PermissionDenied
from polis.core.numbering import formatted_number
from polis.documents.models import StoredFile
from polis.documents.pdf import render_pdf
from polis.documents.services import delete_files, store_file
from polis.documents.validation import ValidatedFile
from polis.lifecycle import lock, transition
from polis.messaging.services import open_thread, post_message
from polis.notify.services import queue_email
from polis.quotes.audit import QuoteAudit
from polis.quotes.models import Quote, QuoteRequest

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
    from django.db.models import QuerySet

    from polis.accounts.models import User


def _render_pdf(quote: Quote) -> ValidatedFile:
    return render_pdf(
        template="quotes/pdf.html",
        name=f"preventivo-{quote.number}.pdf",
        context={
            "quote": quote,
            "coverages": coverages_of(quote.product, quote.answers, quote.breakdown.get("cover")),
            "mga_name": settings.MGA_NAME,
            "mga_legal_name": settings.MGA_LEGAL_NAME,
        },
    )


def price_for_client(
    *, actor: User, client: Client, product: Product, answers: dict, effective_date: date
) -> catalog.Priced:
    """What FAI PREVENTIVO and AGGIUNGI PRATICA check and price: a client of the actor's firm,
    a product on sale, an effective date from today, the answers validated and priced with the
    tariff valid then (outside the tariff: a DomainError telling to ask the MGA for a custom
    quote)."""
    require(actor, "work_portfolio")
    if client.firm_id != actor.firm_id:
        raise PermissionDenied(_("Non hai i permessi per questo cliente."))
    check_processing_allowed(client)
    if not product.active:
        raise DomainError(_("Questo prodotto non è più in vendita."))
    if effective_date < timezone.localdate():
        raise DomainError(_("La decorrenza non può essere nel passato."), field="effective_date")
    return catalog.price_or_refuse(product=product, on=effective_date, answers=answers)


def create_quote(
    *,
    actor: User,
    client: Client,
    product: Product,
    answers: dict,
    effective_date: date,
    target_market_justification: str = "",
) -> Quote:
    """Price the answers with the tariff valid on the effective date and keep the quote.

    Outside the tariff (ReferralRequired) nothing is saved and the message says to ask the MGA
    for a custom quote. The tariff version used becomes immutable. The client is checked
    against the product's target market (POG): refused in the negative one; outside it, the
    collaborator's justification is required and kept with the quote.
    """
    version, breakdown, answers = price_for_client(
        actor=actor, client=client, product=product, answers=answers, effective_date=effective_date
    )
    target_market = target_market_record(
        check_target_market(product, client=client, answers=answers, on=effective_date),
        justification=target_market_justification,
        by=actor.get_full_name(),
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
            target_market=target_market,
            created_by=actor,
        )
        catalog.mark_tariff_used(version)
        record_audit(
            actor=actor,
            action=QuoteAudit.PRICED,
            target=quote,
            data={
                "gross": str(quote.gross),
                **({"target_market": target_market["fit"]} if target_market else {}),
            },
        )
        return quote


def quote_pdf(*, actor: User, quote: Quote) -> StoredFile:
    """The quote's PDF, rendered and stored the first time someone needs it (a download, the
    e-mail to the client): pricing stays quick, and a quote never opened costs no file. The
    quote's content never changes, so rendering later gives the same document."""
    if quote.pdf_id is not None:
        return quote.pdf
    with transaction.atomic():
        locked = Quote.objects.select_for_update().get(pk=quote.pk)
        if locked.pdf_id is None:  # nobody rendered it while we waited for the lock
            locked.pdf = store_file(actor=actor, validated=_render_pdf(locked))
            locked.save(update_fields=["pdf"])
    quote.pdf = locked.pdf
    return quote.pdf


def duplicate_quote(*, actor: User, quote: Quote) -> Quote:
    """A new quote with the same answers, re-priced today (e.g. after expiry)."""
    effective = max(quote.effective_date, timezone.localdate())
    return create_quote(
        actor=actor,
        client=quote.client,
        product=quote.product,
        answers=quote.answers,
        effective_date=effective,
    )


def send_quote_to_client(*, actor: User, quote: Quote) -> Quote:
    """E-mail the quote PDF to the client."""
    require(actor, "work_portfolio")
    if quote.firm_id != actor.firm_id:
        raise PermissionDenied(_("Non hai i permessi per questo preventivo."))
    if quote.is_expired:
        raise DomainError(_("Il preventivo è scaduto: duplicalo per ricalcolarlo."))
    with transaction.atomic():
        queue_email(
            to=quote.client.email,
            template="quote_to_client",
            context={"quote": quote, "firm": quote.firm},
            attachments=[quote_pdf(actor=actor, quote=quote)],
            reply_to=actor.email,  # the client answers the collaborator who sent it
            language=quote.client.language,
        )
        record_audit(actor=actor, action=QuoteAudit.SENT, target=quote)
        return quote


def request_custom_quote(
    *,
    actor: User,
    client: Client,
    need: str,
    product: Product | None = None,
    special_coverages: str = "",
    claims_count: int = 0,
    claims_years: str = "",
    claims_amount: Decimal | str | None = None,
    claims_text: str = "",
    files: Iterable[UploadedFile] = (),
    base_url: str = "",
) -> QuoteRequest:
    """Ask the MGA for a custom quote (special coverages, a client with claims): it opens a
    Comunicazioni thread, where the operators answer."""
    require(actor, "work_portfolio")
    if client.firm_id != actor.firm_id:
        raise PermissionDenied(_("Non hai i permessi per questo cliente."))
    check_processing_allowed(client)
    if not need.strip():
        raise DomainError(_("Descrivi il prodotto o l'esigenza del cliente."), field="need")
    if claims_count and not claims_text.strip():
        raise DomainError(
            _("Descrivi i sinistri degli ultimi 5 anni (anno, importo, stato)."),
            field="claims_text",
        )
    with transaction.atomic():
        number = formatted_number("RPV", timezone.localdate().year)
        summary = render_to_string(
            "quotes/request_summary.txt",
            {
                "client": client,
                "product": product,
                "need": need.strip(),
                "special_coverages": special_coverages.strip(),
                "claims_count": claims_count,
                "claims_years": claims_years.strip(),
                "claims_amount": claims_amount,
                "claims_text": claims_text.strip(),
            },
        )
        thread = open_thread(
            actor=actor,
            firm=actor.firm,
            title=_("Preventivo personalizzato %(n)s — %(client)s")
            % {"n": number, "client": client.display_name},
            body=summary,
            subject_type="quote_request",
            subject_id=number,
            files=files,
            base_url=base_url,
        )
        request = QuoteRequest.objects.create(
            number=number,
            firm=actor.firm,
            client=client,
            product=product,
            need=need.strip()[:300],
            special_coverages=special_coverages.strip(),
            claims_count=claims_count,
            claims_years=claims_years.strip()[:100],
            claims_amount=claims_amount,
            claims_text=claims_text.strip(),
            thread=thread,
            created_by=actor,
        )
        record_audit(actor=actor, action=QuoteAudit.REQUEST_CREATED, target=request)
        return request


def _open_request(request: QuoteRequest, to: str) -> QuoteRequest:
    """The request, locked, when its table lets the MGA's answer move it to `to` (it is still
    open: requested, or offered and not yet accepted)."""
    locked = lock(request)
    if not QuoteRequest.lifecycle.allows(locked.status, to):
        raise InvalidTransition(_("Questa richiesta è già chiusa."))
    return locked


def _term(item: dict, key: str, label: str, coverage: str, top: Decimal | None = None) -> str:
    """One amount of a coverage's terms, as a plain decimal string ("" when not set)."""
    raw = str(item.get(key) or "").strip()
    if not raw:
        return ""
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value < 0 or (top is not None and value > top):
        raise DomainError(
            _("%(coverage)s: %(what)s non valido.") % {"coverage": coverage, "what": label},
            field="cover",
        )
    return format(value.normalize(), "f")


def _clean_cover(product: Product, cover: list[dict]) -> list[dict]:
    """The offer's terms per coverage of `product`: a limit for every coverage that is not
    optional, a deductible (€) and a scoperto (%) where set."""
    coverages = {c.code: c for c in product.coverages.all()}
    terms = {}
    for item in cover:
        coverage = coverages.get(item.get("coverage"))
        if coverage is None:
            raise DomainError(
                _("La garanzia «%(code)s» non è di %(product)s.")
                % {"code": item.get("coverage"), "product": product.name},
                field="cover",
            )
        terms[coverage.code] = {
            "coverage": coverage.code,
            "limit": _term(item, "limit", _("Massimale"), coverage.name),
            "deductible": _term(item, "deductible", _("Franchigia"), coverage.name),
            "scoperto": _term(item, "scoperto", _("Scoperto"), coverage.name, Decimal(100)),
        }
    for coverage in coverages.values():
        if not coverage.optional and not terms.get(coverage.code, {}).get("limit"):
            raise DomainError(
                _("Indica il massimale di «%(coverage)s».") % {"coverage": coverage.name},
                field="cover",
            )
    return [terms[code] for code in coverages if terms.get(code, {}).get("limit")]


def offer_custom_quote(
    *,
    actor: User,
    request: QuoteRequest,
    product: Product,
    gross: Decimal | str,
    cover: list[dict],
    conditions: str,
    valid_until: date,
    files: Iterable[UploadedFile] = (),
    base_url: str = "",
) -> QuoteRequest:
    """An operator answers with an offer (premium, cover per coverage, conditions, validity,
    attachments); a new offer replaces the previous one."""
    require(actor, "answer_quote_requests")
    try:
        gross = Decimal(str(gross)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise DomainError(_("Premio non valido."), field="gross") from None
    cover = _clean_cover(product, cover)
    if gross <= 0:
        raise DomainError(_("Il premio deve essere maggiore di zero."), field="gross")
    if not conditions.strip():
        raise DomainError(_("Scrivi le condizioni dell'offerta."), field="conditions")
    if valid_until < timezone.localdate():
        raise DomainError(_("La validità non può essere nel passato."), field="valid_until")
    catalog.tariff_for(product, timezone.localdate())  # the offer is taxed by this product
    with transaction.atomic():
        request = _open_request(request, QuoteRequest.Status.OFFERED)
        request.product = product
        request.offer_gross, request.offer_conditions = gross, conditions.strip()
        request.offer_cover = cover
        request.offer_valid_until = valid_until
        transition(
            request,
            QuoteRequest.Status.OFFERED,
            actor=actor,
            fields=(
                "product",
                "offer_gross",
                "offer_conditions",
                "offer_cover",
                "offer_valid_until",
            ),
        )
        post_message(
            actor=actor,
            thread=request.thread,
            body=_(
                "Offerta per %(product)s: premio lordo € %(gross)s, valida fino al %(until)s.\n"
                "Condizioni: %(conditions)s\nPuoi accettarla dalla richiesta %(n)s."
            )
            % {
                "product": product.name,
                "gross": number_format(gross, 2, force_grouping=True),
                "until": valid_until.strftime("%d/%m/%Y"),
                "conditions": request.offer_conditions,
                "n": request.number,
            },
            files=files,
            base_url=base_url,
        )
        return request


def decline_custom_quote(
    *, actor: User, request: QuoteRequest, reason: str, base_url: str = ""
) -> QuoteRequest:
    """An operator declines to quote, with the reason."""
    require(actor, "answer_quote_requests")
    if not reason.strip():
        raise DomainError(_("Indica il motivo."), field="reason")
    with transaction.atomic():
        request = _open_request(request, QuoteRequest.Status.DECLINED)
        request.decline_reason = reason.strip()[:500]
        transition(request, QuoteRequest.Status.DECLINED, actor=actor, fields=("decline_reason",))
        post_message(
            actor=actor,
            thread=request.thread,
            body=_("Non possiamo quotare questo rischio: %(reason)s") % {"reason": reason.strip()},
            base_url=base_url,
        )
        return request


def accept_custom_offer(*, actor: User, request: QuoteRequest) -> Quote:
    """The firm accepts the MGA's offer: it becomes a priced quote, convertible into a practice,
    taxed with the product's tariff (net = gross / (1 + tax rate))."""
    require(actor, "work_portfolio")
    if request.firm_id != actor.firm_id:
        raise PermissionDenied(_("Non hai i permessi per questa richiesta."))
    with transaction.atomic():
        request = lock(request)
        if not QuoteRequest.lifecycle.allows(request.status, QuoteRequest.Status.ACCEPTED):
            raise InvalidTransition(_("Non c'è un'offerta da accettare."))
        today = timezone.localdate()
        if request.offer_valid_until < today:
            raise DomainError(_("L'offerta è scaduta: chiedine una nuova all'MGA."))
        version = catalog.tariff_for(request.product, today)
        tariff = load_tariff(version.document)
        net = (request.offer_gross / (1 + tariff.tax_rate)).quantize(CENT, ROUND_HALF_UP)
        quote = Quote.objects.create(
            number=formatted_number("PRV", today.year),
            firm=request.firm,
            client=request.client,
            product=request.product,
            tariff=version,
            answers={},
            effective_date=today,
            net=net,
            tax=request.offer_gross - net,
            gross=request.offer_gross,
            commission=(net * tariff.commission_rate).quantize(CENT, ROUND_HALF_UP),
            breakdown={
                "lines": [
                    {
                        "label": _("Premio concordato con l'MGA (richiesta %(n)s)")
                        % {"n": request.number},
                        "explanation": request.offer_conditions[:200],
                        "amount": str(net),
                    }
                ],
                "instalments": [str(request.offer_gross)],
                "cover": request.offer_cover,
            },
            valid_until=request.offer_valid_until,
            created_by=actor,
        )
        catalog.mark_tariff_used(version)
        request.quote = quote
        transition(request, QuoteRequest.Status.ACCEPTED, actor=actor, fields=("quote",))
        return quote


def delete_quotes(quotes: QuerySet[Quote]) -> int:
    """The retention job (`polis.quotes.retention`): delete the quotes and their PDFs (the
    files once the transaction commits)."""
    files = list(StoredFile.objects.filter(pk__in=quotes.values("pdf_id")))
    count, _by_model = quotes.delete()
    delete_files(files)
    return count
