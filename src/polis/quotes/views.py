from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from polis.catalog.forms import answers_of, questionnaire_form_class
from polis.catalog.models import Product
from polis.core.access import capability_required
from polis.core.errors import DomainError
from polis.core.exports import export_response
from polis.documents.services import open_download
from polis.quotes import selectors, services
from polis.quotes.forms import QuoteFilterForm, QuoteStartForm


@capability_required("work_portfolio")
def choose_product(request):
    return render(
        request,
        "quotes/choose_product.html",
        {"products": Product.objects.filter(active=True).select_related("insurer")},
    )


@capability_required("work_portfolio")
@require_http_methods(["GET", "POST"])
def create_quote(request, code: str):
    product = get_object_or_404(Product, code=code, active=True)
    start = QuoteStartForm(request.POST or None, user=request.user)
    questions = questionnaire_form_class(product)(request.POST or None)
    if request.method == "POST" and start.is_valid() and questions.is_valid():
        try:
            quote = services.create_quote(
                actor=request.user,
                client=start.cleaned_data["client"],
                product=product,
                answers=answers_of(questions),
                effective_date=start.cleaned_data["effective_date"],
            )
        except DomainError as error:
            target = start if error.field in start.fields else questions
            target.add_error(error.field if error.field in target.fields else None, error.message)
        else:
            return redirect("quotes:detail", pk=quote.pk)
    return render(
        request, "quotes/form.html", {"product": product, "start": start, "questions": questions}
    )


@capability_required("view_quotes")
def quote_list(request):
    form = QuoteFilterForm(request.GET)
    quotes = selectors.filtered_quotes(request.user, form)
    page = Paginator(quotes, form.page_size).get_page(request.GET.get("pagina"))
    template = "quotes/list.html#results" if request.htmx else "quotes/list.html"
    return render(request, template, {"page": page, "form": form})


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
    return render(
        request, "quotes/detail.html", {"quote": selectors.get_quote_for(request.user, pk)}
    )


@capability_required("view_quotes")
def quote_pdf(request, pk: int):
    quote = selectors.get_quote_for(request.user, pk)
    return open_download(actor=request.user, stored=quote.pdf)


@capability_required("work_portfolio")
@require_POST
def duplicate(request, pk: int):
    quote = selectors.get_quote_for(request.user, pk)
    try:
        copy = services.duplicate_quote(actor=request.user, quote=quote)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("quotes:detail", pk=quote.pk)
    messages.success(request, _("Preventivo duplicato e ricalcolato con la tariffa di oggi."))
    return redirect("quotes:detail", pk=copy.pk)
