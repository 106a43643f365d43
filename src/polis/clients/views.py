from urllib.parse import parse_qsl, urlencode, urlsplit

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from polis.audit.selectors import audit_events_for
from polis.clients import selectors, services
from polis.clients.forms import PICKER_SIZE, ClientForm
from polis.clients.rows import CLIENT_ROW, client_rows
from polis.core.access import can, capability_required
from polis.core.errors import DomainError
from polis.core.forms import show_error
from polis.core.pagecache import cached_page
from polis.core.pagination import CappedPaginator
from polis.core.retention import is_held
from polis.core.rows import table_body


@capability_required("view_clients")
@cached_page
def client_list(request):
    query = request.GET.get("q", "").strip()[:100]
    page = CappedPaginator(selectors.search_clients(request.user, query), 25).get_page(
        request.GET.get("pagina")
    )
    rows = client_rows(page, request.user)
    template = "clients/list.html#results" if request.htmx else "clients/list.html"
    context = {"page": page, "rows": rows, "body": table_body(rows, CLIENT_ROW)}
    return render(request, template, {**context, "query": query})


@capability_required("view_clients")
def picker(request):
    """Options of the client picker (htmx): the clients matching what was typed."""
    query = request.GET.get("q", "").strip()[:100]
    clients = list(selectors.search_clients(request.user, query)[: PICKER_SIZE + 1])
    context = {"clients": clients[:PICKER_SIZE], "more": len(clients) > PICKER_SIZE}
    return render(request, "clients/picker_options.html", context)


@capability_required("view_clients")
def client_detail(request, pk: int):
    client = selectors.get_client_for(request.user, pk)
    can_place_holds = can(request.user, "manage_retention")
    return render(
        request,
        "clients/detail.html",
        {
            "client": client,
            "can_handle_privacy": can(request.user, "handle_privacy_requests"),
            "can_place_holds": can_place_holds,
            # a legal hold (an operator's, a contested claim, an open complaint)
            "on_hold": can_place_holds and is_held(client.pk),
            "events": audit_events_for(object_type="clients.client", object_id=str(client.pk))[:20],
        },
    )


def _save(request, form, save):
    try:
        client = save(form.client_data())
    except services.DuplicateClient as duplicate:
        form.add_error(duplicate.field, duplicate.message)
        return None, duplicate.existing
    except DomainError as error:
        show_error(form, error)
        return None, None
    return client, None


def _return_url(request) -> str:
    """The form the user came from ("Aggiungilo" on a quote or practice form): a local page."""
    target = request.GET.get("next", "")
    local = target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if local else ""


def _with_client(url: str, client_pk: int) -> str:
    """`url` with the client chosen (`?cliente=`), as the quote and practice forms read it."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "cliente"]
    return parts._replace(query=urlencode([*query, ("cliente", client_pk)])).geturl()


@capability_required("work_portfolio")
@require_http_methods(["GET", "POST"])
def client_create(request):
    form = ClientForm(request.POST or None, initial={"kind": "person"})
    existing = None
    back = _return_url(request)
    if request.method == "POST" and form.is_valid():
        client, existing = _save(
            request, form, lambda data: services.create_client(actor=request.user, data=data)
        )
        if client:
            messages.success(request, _("Cliente salvato."))
            if back:
                return redirect(_with_client(back, client.pk))
            return redirect("clients:detail", pk=client.pk)
    return render(
        request,
        "clients/form.html",
        {
            "form": form,
            "existing": existing,
            "back": back,
            "existing_back": _with_client(back, existing.pk) if back and existing else "",
        },
    )


@capability_required("work_portfolio")
@require_http_methods(["GET", "POST"])
def client_edit(request, pk: int):
    client = selectors.get_client_for(request.user, pk)
    initial = {
        name: getattr(client, name) for name in ClientForm.base_fields if hasattr(client, name)
    }
    initial["marketing_consent"] = client.marketing_consent_at is not None
    form = ClientForm(request.POST or None, initial=initial, editing=True)
    existing = None
    if request.method == "POST" and form.is_valid():
        saved, existing = _save(
            request,
            form,
            lambda data: services.update_client(actor=request.user, client=client, data=data),
        )
        if saved:
            messages.success(request, _("Dati del cliente aggiornati."))
            return redirect("clients:detail", pk=client.pk)
    return render(
        request, "clients/form.html", {"form": form, "existing": existing, "client": client}
    )
