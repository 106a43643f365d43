from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from polis.audit.selectors import audit_events_for
from polis.bordereaux import selectors, services
from polis.bordereaux.actions import ACTIONS
from polis.bordereaux.forms import FilterForm, GenerateForm
from polis.core.access import capability_required
from polis.core.actions import Post, posted_version, run_action
from polis.core.errors import DomainError
from polis.core.forms import show_error
from polis.core.pagination import CappedPaginator


@capability_required("report_to_insurers")
def bordereau_list(request):
    filters = FilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    found = selectors.bordereau_list(
        request.user,
        insurer_id=chosen["compagnia"].pk if chosen.get("compagnia") else None,
        kind=chosen.get("tipo", ""),
        status=chosen.get("stato", ""),
        month=chosen.get("mese"),
    )
    page = CappedPaginator(found, 25).get_page(request.GET.get("pagina"))
    return render(
        request,
        "bordereaux/list.html",
        {"page": page, "filters": filters, "form": GenerateForm()},
    )


@capability_required("report_to_insurers")
@require_POST
def bordereau_generate(request):
    form = GenerateForm(request.POST)
    if form.is_valid():
        try:
            made = services.generate_bordereau(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            show_error(form, error)
        else:
            return redirect("bordereaux:detail", pk=made.pk)
    page = CappedPaginator(selectors.bordereau_list(request.user), 25).get_page(1)
    context = {"page": page, "filters": FilterForm(), "form": form}
    return render(request, "bordereaux/list.html", context, status=400)


@capability_required("report_to_insurers")
def bordereau_detail(request, pk: int):
    bordereau = selectors.get_bordereau_for(request.user, pk)
    return render(
        request,
        "bordereaux/detail.html",
        {
            "b": bordereau,
            "actions": ACTIONS.allowed(bordereau, request.user),
            "missing_columns": selectors.missing_columns(bordereau),
            "events": audit_events_for(
                object_type="bordereaux.bordereau", object_id=str(bordereau.pk)
            ),
        },
    )


POSTS = {
    "regenerate": Post(
        lambda r, b: services.generate_bordereau(
            actor=r.user, insurer=b.insurer, month=b.month, kind=b.kind, version=posted_version(r)
        ),
        gettext_lazy("Bordereau generato di nuovo con i dati di oggi."),
    ),
}


@require_POST
def bordereau_action(request, pk: int, action: str):
    return run_action(
        request,
        action,
        actions=ACTIONS,
        posts=POSTS,
        load=lambda request: selectors.get_bordereau_for(request.user, pk),
        done=lambda request, b, result: redirect("bordereaux:detail", pk=b.pk),
        refused=lambda request, b: redirect(reverse("bordereaux:detail", args=[b.pk])),
    )


@capability_required("report_to_insurers")
def bordereau_download(request, pk: int, part: str):
    bordereau = selectors.get_bordereau_for(request.user, pk)
    try:
        return services.download_bordereau(actor=request.user, bordereau=bordereau, part=part)
    except FileNotFoundError:
        raise Http404 from None
