from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from polis.catalog.models import Product
from polis.catalog.selectors import coverages_of, documents_in_force, review_flags
from polis.core.access import capability_required
from polis.core.actions import Post, run_action
from polis.core.errors import DomainError
from polis.core.exports import export_response
from polis.core.forms import show_error, uploaded_files
from polis.core.links import base_url
from polis.core.pagecache import cached_page
from polis.core.pagination import CappedPaginator
from polis.core.rows import table_body
from polis.documents.services import open_download
from polis.quotes import selectors, services
from polis.quotes.actions import ACTIONS, REQUEST_ACTIONS
from polis.quotes.forms import CustomQuoteRequestForm, OfferForm, PricingForms, QuoteFilterForm
from polis.quotes.models import Quote
from polis.quotes.rows import QUOTE_ROW, quote_rows


def product_chooser(*, heading, intro, product_url: str):
    """The view that opens FAI PREVENTIVO and AGGIUNGI PRATICA: the active products, each
    leading to `product_url` (a URL name taking the product's code)."""

    @capability_required("work_portfolio")
    def choose_product(request):
        return render(
            request,
            "quotes/choose_product.html",
            {
                "products": Product.objects.filter(active=True).select_related("insurer"),
                "heading": heading,
                "intro": intro,
                "product_url": product_url,
            },
        )

    return choose_product


choose_product = product_chooser(
    heading=gettext_lazy("Fai preventivo"),
    intro=gettext_lazy(
        "Scegli il prodotto. Il preventivo non emette alcun contratto e resta valido "
        "per il periodo indicato."
    ),
    product_url="quotes:create_for_product",
)


def pricing_page(
    request, code: str, create, heading, submit_label, *, back: str, checks_target_market=False
):
    """A product's questionnaire, priced when posted (FAI PREVENTIVO, AGGIUNGI PRATICA):
    `create(product, values)` makes the quote or the practice and answers where to go next;
    its refusal is shown on the form. `back` names the product chooser. Where the creation
    checks the target market (a quote; a practice is checked at issue), `values` carries the
    collaborator's justification."""
    product = get_object_or_404(Product, code=code, active=True)
    forms = PricingForms(request, product)
    if request.method == "POST" and not forms.refreshing and forms.is_valid():
        values = forms.values()
        if checks_target_market:
            values["target_market_justification"] = forms.justification
        try:
            return create(product, values)
        except DomainError as error:
            forms.show(error)
    return render(
        request,
        "quotes/form.html#questions" if forms.refreshing else "quotes/form.html",
        {
            "product": product,
            "start": forms.start,
            "questions": forms.questions,
            "target_market": forms.target_market if forms.asks_justification else None,
            "heading": heading,
            "submit_label": submit_label,
            "back_url": reverse(back),
        },
    )


@capability_required("work_portfolio")
@require_http_methods(["GET", "POST"])
def create_quote(request, code: str):
    def create(product, values):
        quote = services.create_quote(actor=request.user, product=product, **values)
        return redirect("quotes:detail", pk=quote.pk)

    heading, submit_label = _("Preventivo"), _("Calcola il premio")
    return pricing_page(
        request,
        code,
        create,
        heading,
        submit_label,
        back="quotes:create",
        checks_target_market=True,
    )


@capability_required("view_quotes")
@cached_page
def quote_list(request):
    form = QuoteFilterForm(request.GET)
    quotes = selectors.filtered_quotes(request.user, form)
    page = CappedPaginator(quotes, form.page_size).get_page(request.GET.get("pagina"))
    template = "quotes/list.html#results" if request.htmx else "quotes/list.html"
    rows = quote_rows(page, request.user)
    context = {"page": page, "rows": rows, "body": table_body(rows, QUOTE_ROW), "form": form}
    return render(request, template, context)


@capability_required("view_quotes")
def export(request, fmt: str):
    form = QuoteFilterForm(request.GET)
    quotes = selectors.filtered_quotes(request.user, form).select_related("product__insurer")
    return export_response(
        fmt=fmt,
        name=f"preventivi-{timezone.localdate():%Y%m%d}",
        headers=[
            str(column)
            for column in (
                _("Numero"),
                _("Stato"),
                _("Cliente"),
                _("Codice fiscale / P. IVA"),
                _("Prodotto"),
                _("Compagnia"),
                _("Decorrenza"),
                _("Valido fino al"),
                _("Premio lordo"),
            )
        ],
        rows=(
            [
                q.number,
                q.status_label,
                q.client.display_name,
                q.client.tax_id,
                q.product.name,
                q.product.insurer.name,
                q.effective_date,
                q.valid_until,
                q.gross,
            ]
            for q in quotes.iterator(chunk_size=2000)
        ),
    )


@capability_required("view_quotes")
def quote_detail(request, pk: int):
    quote = selectors.get_quote_for(request.user, pk)
    return render(
        request,
        "quotes/detail.html",
        {
            "quote": quote,
            "coverages": coverages_of(quote.product, quote.answers, quote.breakdown.get("cover")),
            # Said at once: issuing it will wait for the MGA's assessment (products brief §1.5).
            "assessment": review_flags(quote.product, quote.answers),
            "product_documents": documents_in_force(quote.product, quote.effective_date),
            "actions": ACTIONS.allowed(quote, request.user),
        },
    )


@capability_required("view_quotes")
def quote_pdf(request, pk: int):
    quote = selectors.get_quote_for(request.user, pk)
    stored = services.quote_pdf(actor=request.user, quote=quote)
    return open_download(actor=request.user, stored=stored)


QUOTE_POSTS = {
    "duplicate": Post(
        lambda r, quote: services.duplicate_quote(actor=r.user, quote=quote),
        gettext_lazy("Preventivo duplicato e ricalcolato con la tariffa di oggi."),
    ),
    "send": Post(
        lambda r, quote: services.send_quote_to_client(actor=r.user, quote=quote),
        lambda quote: _("Preventivo inviato a %(email)s.") % {"email": quote.client.email},
    ),
}


@require_POST
def quote_action(request, pk: int, action: str):
    """A posted action on a quote; then the quote it led to (a duplicate is a new one)."""
    return run_action(
        request,
        action,
        actions=ACTIONS,
        posts=QUOTE_POSTS,
        load=lambda request: selectors.get_quote_for(request.user, pk),
        done=lambda request, quote, result: redirect("quotes:detail", pk=result.pk),
        refused=lambda request, quote: redirect("quotes:detail", pk=quote.pk),
    )


@capability_required("work_portfolio")
@require_http_methods(["GET", "POST"])
def request_custom(request):
    form = CustomQuoteRequestForm(
        request.POST or None, user=request.user, initial=request.GET.dict()
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            custom = services.request_custom_quote(
                actor=request.user,
                client=data["client"],
                product=data["product"],
                need=data["need"],
                special_coverages=data["special_coverages"],
                claims_count=data["claims_count"],
                claims_years=data["claims_years"],
                claims_amount=data["claims_amount"],
                claims_text=data["claims_text"],
                files=uploaded_files(request),
                base_url=base_url(request),
            )
        except DomainError as error:
            show_error(form, error)
        else:
            messages.success(
                request,
                _("Richiesta %(n)s inviata all'MGA: riceverai la risposta nelle Comunicazioni.")
                % {"n": custom.number},
            )
            return redirect("quotes:request_detail", pk=custom.pk)
    return render(request, "quotes/request_form.html", {"form": form})


@capability_required("view_quotes")
def request_list(request):
    page = Paginator(selectors.quote_requests_visible_to(request.user), 25).get_page(
        request.GET.get("pagina")
    )
    return render(request, "quotes/request_list.html", {"page": page})


@capability_required("view_quotes")
def request_detail(request, pk: int):
    custom = selectors.get_quote_request_for(request.user, pk)
    offer = OfferForm(initial={"product": custom.product_id})
    cover = coverages_of(custom.product, {}, custom.offer_cover) if custom.offer_cover else []
    return render(
        request,
        "quotes/request_detail.html",
        {
            "custom": custom,
            "offer": offer,
            "offer_cover": cover,
            "actions": REQUEST_ACTIONS.allowed(custom, request.user),
        },
    )


def _offer(request, custom):
    form = OfferForm(request.POST)
    if not form.is_valid():
        raise DomainError(_("Completa l'offerta: prodotto, premio, condizioni e validità."))
    data = form.cleaned_data
    return services.offer_custom_quote(
        actor=request.user,
        request=custom,
        product=data["product"],
        gross=data["gross"],
        cover=form.cover(),
        conditions=data["conditions"],
        valid_until=data["valid_until"],
        files=uploaded_files(request),
        base_url=base_url(request),
    )


REQUEST_POSTS = {
    "offer": Post(_offer, gettext_lazy("Offerta inviata all'agenzia.")),
    "decline": Post(
        lambda r, custom: services.decline_custom_quote(
            actor=r.user, request=custom, reason=r.POST.get("reason", ""), base_url=base_url(r)
        ),
        gettext_lazy("Risposta inviata all'agenzia."),
    ),
    "accept": Post(
        lambda r, custom: services.accept_custom_offer(actor=r.user, request=custom),
        gettext_lazy("Offerta accettata: ecco il preventivo, che puoi trasformare in pratica."),
    ),
}


def _answered(request, custom, result):
    """Back to the request, or to the quote an accepted offer made."""
    if isinstance(result, Quote):
        return redirect("quotes:detail", pk=result.pk)
    return redirect("quotes:request_detail", pk=custom.pk)


@require_POST
def request_action(request, pk: int, action: str):
    """The MGA answers a custom quote request (an offer, a refusal); the firm accepts the
    offer."""
    return run_action(
        request,
        action,
        actions=REQUEST_ACTIONS,
        posts=REQUEST_POSTS,
        load=lambda request: selectors.get_quote_request_for(request.user, pk),
        done=_answered,
        refused=lambda request, custom: redirect("quotes:request_detail", pk=custom.pk),
    )
