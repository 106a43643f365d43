from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from polis.accounting import selectors, services
from polis.accounting.actions import BATCH_ACTIONS, REMITTANCE_ACTIONS
from polis.accounting.forms import (
    BatchForm,
    ConfirmRemittanceForm,
    MonthForm,
    PrepareRemittanceForm,
)
from polis.accounting.models import Account, Payout, Remittance, Transaction
from polis.accounts.models import Firm
from polis.core.access import can, capability_required
from polis.core.actions import Post, run_action
from polis.core.errors import DomainError, PermissionDenied
from polis.core.exports import FORMATS, export_response
from polis.core.pagination import CappedPaginator
from polis.documents.pdf import render_pdf


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@capability_required("view_commissions")
def overview(request):
    """Contabilità: the MGA's money at a glance; a collaborator goes to his commissions."""
    if not can(request.user, "manage_accounting"):
        return redirect("accounting:commissions")
    figures = selectors.operator_figures(timezone.localdate())
    return render(
        request,
        "accounting/overview.html",
        {"figures": figures, "kinds": Transaction.Kind, "accounts": Account.Kind},
    )


@capability_required("manage_accounting")
def entries(request):
    """The ledger's transactions behind a figure (filters in the query string)."""
    get = request.GET
    try:
        filters = {
            "account_id": _int(get.get("conto")),
            "kind": get.get("tipo") if get.get("tipo") in Transaction.Kind.values else None,
            "start": parse_date(get.get("dal") or ""),
            "end": parse_date(get.get("al") or ""),
            "insurer_id": _int(get.get("compagnia")),
            "firm_id": _int(get.get("agenzia")),
            "remittance_id": _int(get.get("rimessa")),
        }
    except ValueError:
        raise Http404 from None
    page = CappedPaginator(selectors.entries(**filters), 25).get_page(get.get("pagina"))
    account = selectors.account_or_none(filters["account_id"])
    return render(
        request,
        "accounting/entries.html",
        {"page": page, "account": account, "filters": filters, "query": get.urlencode()},
    )


# --- Remittances ----------------------------------------------------------------------------


@capability_required("manage_accounting")
def remittance_list(request):
    form = PrepareRemittanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            remittance = services.prepare_remittance(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Rimessa preparata: controlla l'estratto conto."))
            return redirect("accounting:remittance", pk=remittance.pk)
    page = CappedPaginator(selectors.remittances(), 25).get_page(request.GET.get("pagina"))
    return render(request, "accounting/remittances.html", {"page": page, "form": form})


def _statement(remittance: Remittance) -> tuple:
    lines = selectors.statement_lines(
        remittance.transactions.filter(kind__in=selectors.STATEMENT_KINDS)
    )
    return lines, selectors.remittance_totals([remittance])[remittance.pk]


@capability_required("manage_accounting")
def remittance_detail(request, pk: int):
    remittance = get_object_or_404(selectors.remittances(), pk=pk)
    lines, totals = _statement(remittance)
    return render(
        request,
        "accounting/remittance.html",
        {
            "remittance": remittance,
            "page": CappedPaginator(lines, 50).get_page(request.GET.get("pagina")),
            "totals": totals,
            "actions": REMITTANCE_ACTIONS.allowed(remittance, request.user),
            "form": ConfirmRemittanceForm(),
        },
    )


STATEMENT_COLUMNS = (
    gettext_lazy("Data"),
    gettext_lazy("Movimento"),
    gettext_lazy("Riferimento"),
    gettext_lazy("Premio lordo incassato"),
    gettext_lazy("di cui imposte"),
    gettext_lazy("Provvigioni dell'MGA trattenute"),
    gettext_lazy("Netto alla compagnia"),
)


@capability_required("manage_accounting")
def remittance_export(request, pk: int, fmt: str):
    """The estratto conto as PDF or XLSX (or CSV)."""
    remittance = get_object_or_404(selectors.remittances(), pk=pk)
    lines, totals = _statement(remittance)
    name = f"estratto-conto-{remittance}"
    if fmt == "pdf":
        pdf = render_pdf(
            template="accounting/statement_pdf.html",
            context={"remittance": remittance, "lines": lines, "totals": totals},
            name=f"{name}.pdf",
        )
        response = HttpResponse(pdf.content, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    if fmt not in FORMATS:
        raise Http404
    rows: list[list] = [
        [
            line.date,
            line.get_kind_display(),
            line.reference,
            line.premium,
            line.tax,
            line.commission,
            line.to_insurer,
        ]
        for line in lines
    ]
    rows.append(
        [
            "",
            "",
            str(_("Totale")),
            totals["premiums"],
            totals["taxes"],
            totals["commission"],
            totals["net"],
        ]
    )
    return export_response(
        fmt=fmt, name=name, headers=[str(c) for c in STATEMENT_COLUMNS], rows=rows
    )


def _confirm_remittance(request, remittance):
    form = ConfirmRemittanceForm(request.POST)
    if not form.is_valid():
        raise DomainError(_("Indica data e riferimento del bonifico."))
    return services.confirm_remittance(
        actor=request.user, remittance=remittance, **form.cleaned_data
    )


REMITTANCE_POSTS = {
    "confirm": Post(_confirm_remittance, gettext_lazy("Rimessa registrata come pagata."))
}


@require_POST
def remittance_action(request, pk: int, action: str):
    return run_action(
        request,
        action,
        actions=REMITTANCE_ACTIONS,
        posts=REMITTANCE_POSTS,
        load=lambda request: get_object_or_404(selectors.remittances(), pk=pk),
        done=lambda request, obj, result: redirect("accounting:remittance", pk=obj.pk),
        refused=lambda request, obj: redirect("accounting:remittance", pk=obj.pk),
    )


# --- Commissions ----------------------------------------------------------------------------


def _commission_statement(request) -> tuple[Firm | None, MonthForm, QuerySet[Transaction]]:
    """The firm whose statement is asked (none: the MGA's staff pick one), the month's form
    and the statement's lines."""
    try:
        firm_id = selectors.commission_firm_for(request.user, _int(request.GET.get("agenzia")))
    except PermissionDenied:
        return None, MonthForm(), Transaction.objects.none()
    firm = get_object_or_404(Firm, pk=firm_id)
    form = MonthForm(request.GET or None)
    return firm, form, selectors.commission_statement(firm.pk, form.month)


@capability_required("view_commissions")
def commissions(request):
    """The monthly commission statement: a collaborator's own firm, any firm for the MGA."""
    firm, form, lines = _commission_statement(request)
    if firm is None:
        return render(
            request,
            "accounting/commissions.html",
            {"firms": Firm.objects.filter(status=Firm.Status.APPROVED).order_by("name")},
        )
    month = form.month
    staff = can(request.user, "manage_accounting")
    return render(
        request,
        "accounting/commissions.html",
        {
            "firm": firm,
            "form": form,
            "month": month,
            "page": CappedPaginator(lines, 50).get_page(request.GET.get("pagina")),
            "totals": selectors.commission_totals(firm.pk, month),
            "due": services.commission_due(firm) if staff else None,
            "payee": selectors.firm_commission_account(firm) if staff else None,
        },
    )


COMMISSION_COLUMNS = (
    gettext_lazy("Data"),
    gettext_lazy("Movimento"),
    gettext_lazy("Riferimento"),
    gettext_lazy("Premio incassato"),
    gettext_lazy("Provvigione"),
)


@capability_required("view_commissions")
def commissions_export(request, fmt: str):
    """The month's commission statement as XLSX or CSV, with its totals."""
    firm, form, lines = _commission_statement(request)
    if firm is None or fmt not in FORMATS:
        raise Http404
    totals = selectors.commission_totals(firm.pk, form.month)
    rows: list[list] = [
        [line.date, line.get_kind_display(), line.reference, line.premium, line.commission]
        for line in lines
    ]
    rows.append(["", "", str(_("Totale maturato")), totals["premiums"], totals["accrued"]])
    return export_response(
        fmt=fmt,
        name=f"provvigioni-{form.month:%Y-%m}",
        headers=[str(c) for c in COMMISSION_COLUMNS],
        rows=rows,
    )


@capability_required("manage_accounting")
@require_POST
def commission_payout(request, firm_pk: int):
    firm = get_object_or_404(Firm, pk=firm_pk)
    try:
        if request.POST.get("iban"):
            services.set_payee_iban(actor=request.user, firm=firm, iban=request.POST["iban"])
        services.create_commission_payout(actor=request.user, firm=firm)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Pagamento delle provvigioni pronto per la distinta SEPA."))
    return redirect(f"{redirect('accounting:commissions').url}?agenzia={firm.pk}")


# --- SEPA payouts ---------------------------------------------------------------------------


@capability_required("manage_accounting")
def payouts(request):
    form = BatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        kind = request.POST.get("kind", "")
        if kind not in Payout.Kind.values:
            raise Http404
        try:
            batch = services.export_payout_batch(actor=request.user, kind=kind, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Distinta SEPA creata e verificata sullo schema."))
            return redirect("accounting:batch", pk=batch.pk)
    pending = selectors.payouts(status=Payout.Status.PENDING)
    return render(
        request,
        "accounting/payouts.html",
        {
            "form": form,
            "pending": pending[:200],
            "kinds": Payout.Kind.choices,
            "batches": CappedPaginator(selectors.batches(), 25).get_page(request.GET.get("pagina")),
        },
    )


@capability_required("manage_accounting")
def batch_detail(request, pk: int):
    batch = selectors.get_batch(pk)
    return render(
        request,
        "accounting/batch.html",
        {
            "batch": batch,
            "payouts": batch.payouts.order_by("pk"),
            "actions": BATCH_ACTIONS.allowed(batch, request.user),
        },
    )


@capability_required("manage_accounting")
def batch_xml(request, pk: int):
    batch = selectors.get_batch(pk)
    response = HttpResponse(batch.xml, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="pain001-{batch}.xml"'
    return response


BATCH_POSTS = {
    "confirm": Post(
        lambda r, batch: services.confirm_payout_batch(actor=r.user, batch=batch),
        gettext_lazy("Distinta inviata: i pagamenti sono registrati come eseguiti."),
    )
}


@require_POST
def batch_action(request, pk: int, action: str):
    return run_action(
        request,
        action,
        actions=BATCH_ACTIONS,
        posts=BATCH_POSTS,
        load=lambda request: selectors.get_batch(pk),
        done=lambda request, obj, result: redirect("accounting:batch", pk=obj.pk),
        refused=lambda request, obj: redirect("accounting:batch", pk=obj.pk),
    )
