import tempfile

from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from polis.core.access import capability_required
from polis.core.actions import Post, posted_version, run_action
from polis.core.errors import DomainError
from polis.core.exports import FORMATS, XLSX
from polis.core.forms import show_error
from polis.core.pagination import CappedPaginator
from polis.portfolio import selectors, services
from polis.portfolio.actions import ACTIONS
from polis.portfolio.columns import COLUMNS, NAMES
from polis.portfolio.forms import UploadForm
from polis.portfolio.models import ImportBatch
from polis.portfolio.writing import csv_lines, write_xlsx


def _download(name: str, fmt: str, header: list[str], rows) -> HttpResponse:
    if fmt == "csv":
        response: HttpResponse = StreamingHttpResponse(
            csv_lines(header, rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    else:
        spool = tempfile.SpooledTemporaryFile(max_size=8 * 2**20)
        write_xlsx(spool, header, rows, title=name)
        spool.seek(0)
        response = FileResponse(
            spool, as_attachment=True, filename=f"{name}.xlsx", content_type=XLSX
        )
    response["Cache-Control"] = "private, no-store"
    return response


@capability_required("import_portfolio")
@require_http_methods(["GET", "POST"])
def index(request):
    firms = selectors.firms_for(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, firms=firms)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = services.upload_portfolio(
                actor=request.user,
                firm=form.chosen_firm(),
                name=upload.name,
                data=upload.read(),
                privacy_declared=form.cleaned_data["privacy"],
            )
        except DomainError as error:
            show_error(form, error)
        else:
            return redirect("portfolio:batch", pk=batch.pk)
    page = CappedPaginator(selectors.batches_visible_to(request.user), 20).get_page(
        request.GET.get("pagina")
    )
    return render(
        request,
        "portfolio/index.html",
        {"form": form, "page": page, "columns": COLUMNS, "firms": firms},
    )


@capability_required("import_portfolio")
def template(request, fmt: str):
    """The template to fill in, with two example rows."""
    if fmt not in FORMATS:
        raise Http404
    return _download("modello-portafoglio", fmt, NAMES, selectors.template_rows())


@capability_required("import_portfolio")
def export(request, fmt: str):
    """The firm's portfolio in the template's layout."""
    if fmt not in FORMATS:
        raise Http404
    firm = selectors.get_firm_for(request.user, _int(request.GET.get("agenzia")))
    services.record_export(actor=request.user, firm=firm, format=fmt)
    rows = ([row[name] for name in NAMES] for row in selectors.portfolio_rows(firm))
    return _download(f"portafoglio-{firm.pk}-{timezone.localdate():%Y%m%d}", fmt, NAMES, rows)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@capability_required("import_portfolio")
def batch(request, pk: int):
    found = selectors.get_batch_for(request.user, pk)
    context = {"batch": found, "actions": ACTIONS.allowed(found, request.user)}
    if request.htmx:
        return render(request, "portfolio/batch.html#progress", context)
    flagged = request.GET.get("righe") != "tutte"
    rows = (
        selectors.report_rows(found, only_flagged=flagged)
        if found.status in (ImportBatch.Status.VALIDATED, ImportBatch.Status.CANCELLED)
        else selectors.rows_left_out(found)
    )
    context |= {
        "page": CappedPaginator(rows, 50).get_page(request.GET.get("pagina")),
        "flagged": flagged,
        "earlier": selectors.earlier_import(found),
    }
    return render(request, "portfolio/batch.html", context)


@capability_required("import_portfolio")
def report(request, pk: int):
    """The dry run's report (or the import's outcome) per row and field, as a CSV."""
    found = selectors.get_batch_for(request.user, pk)
    services.record_report_download(actor=request.user, batch=found)
    header = ["riga", "esito", "campo", "livello", "messaggio", *NAMES]

    def lines():
        for row in selectors.report_rows(found, only_flagged=False).iterator(chunk_size=2000):
            cells = [row.cells.get(name, "") for name in NAMES]
            outcome = row.get_outcome_display()
            issues = [("errore", i) for i in row.errors] + [("avviso", i) for i in row.warnings]
            for level, issue in issues or [("", {"field": "", "message": row.outcome_message})]:
                yield [row.number, outcome, issue["field"], level, issue["message"], *cells]

    return _download(f"esito-importazione-{found.pk}", "csv", header, lines())


POSTS = {
    "confirm": Post(
        lambda r, b: services.confirm_import(actor=r.user, batch=b, version=posted_version(r)),
        gettext_lazy("Importazione avviata: la barra mostra l'avanzamento."),
    ),
    "cancel": Post(
        lambda r, b: services.cancel_import(actor=r.user, batch=b, version=posted_version(r)),
        gettext_lazy("Importazione annullata: non è stato scritto nulla."),
    ),
}


@require_POST
def batch_action(request, pk: int, action: str):
    return run_action(
        request,
        action,
        actions=ACTIONS,
        posts=POSTS,
        load=lambda request: selectors.get_batch_for(request.user, pk),
        done=lambda request, b, result: redirect("portfolio:batch", pk=b.pk),
        refused=lambda request, b: redirect(reverse("portfolio:batch", args=[b.pk])),
    )
