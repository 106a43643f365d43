import csv

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from polis.clients.selectors import get_client_for
from polis.core.access import capability_required
from polis.core.actions import Post, run_action
from polis.core.errors import DomainError
from polis.core.pagination import CappedPaginator
from polis.core.retention import record_classes
from polis.retention import selectors, services
from polis.retention.actions import ACTIONS
from polis.retention.forms import HoldForm


@capability_required("manage_retention")
def overview(request):
    """The retention classes in force, the active holds and the runs of the nightly job."""
    runs = CappedPaginator(
        selectors.runs_visible_to(request.user).prefetch_related("lines"), 20
    ).get_page(request.GET.get("pagina"))
    holds = selectors.holds_visible_to(request.user).filter(status="active")
    return render(
        request,
        "retention/overview.html",
        {"classes": record_classes(), "runs": runs, "page": runs, "holds": holds},
    )


@capability_required("manage_retention")
def run_detail(request, pk: int):
    run = get_object_or_404(selectors.runs_visible_to(request.user), pk=pk)
    return render(request, "retention/run.html", {"run": run, "lines": run.lines.all()})


@capability_required("manage_retention")
def run_csv(request, pk: int):
    """The run's report as a CSV file, for the records of the data-protection officer."""
    run = get_object_or_404(selectors.runs_visible_to(request.user), pk=pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="conservazione-{run.as_of}.csv"'
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            "classe",
            "descrizione",
            "azione",
            "periodo_mesi",
            "decorrenza",
            "fonte",
            "da_confermare",
            "eventi_prima_del",
            "record",
            "lotti",
        ]
    )
    for line in run.lines.all():
        writer.writerow(
            [
                line.record_class,
                line.title,
                line.action,
                line.months,
                line.start_event,
                line.source,
                "sì" if line.unconfirmed else "no",
                line.cutoff.isoformat(),
                line.count,
                line.batches,
            ]
        )
    return response


@capability_required("manage_retention")
@require_http_methods(["GET", "POST"])
def hold_create(request, client_pk: int):
    client = get_client_for(request.user, client_pk)
    form = HoldForm(request.POST or None)
    if form.is_valid():
        try:
            services.place_hold(actor=request.user, client=client, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return redirect("clients:detail", pk=client.pk)
    return render(request, "retention/hold_form.html", {"form": form, "client": client})


POSTS = {
    "release": Post(
        lambda r, hold: services.release_hold(actor=r.user, hold=hold),
        gettext_lazy("Blocco legale revocato: i dati del cliente seguono di nuovo i loro termini."),
    ),
}


@require_POST
def hold_release(request, pk: int):
    return run_action(
        request,
        "release",
        actions=ACTIONS,
        posts=POSTS,
        load=lambda request: get_object_or_404(selectors.holds_visible_to(request.user), pk=pk),
        done=lambda request, hold, result: redirect("retention:overview"),
        refused=lambda request, hold: redirect("retention:overview"),
    )
