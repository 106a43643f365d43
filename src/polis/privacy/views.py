from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from polis.audit.selectors import audit_events_for
from polis.clients.selectors import get_client_for
from polis.clients.services import withdraw_marketing_by_address
from polis.core.access import capability_required
from polis.core.actions import Post, posted_version, run_action
from polis.core.errors import DomainError
from polis.core.languages import client_page, speak_language_on_file
from polis.core.links import base_url
from polis.core.pagination import CappedPaginator
from polis.notify.unsubscribe import message_for_token
from polis.privacy import selectors, services
from polis.privacy.actions import ACTIONS
from polis.privacy.forms import RequestForm


@capability_required("handle_privacy_requests")
def request_list(request):
    open_only = request.GET.get("aperte") == "1"
    page = CappedPaginator(selectors.request_list(request.user, open_only=open_only), 25).get_page(
        request.GET.get("pagina")
    )
    return render(request, "privacy/list.html", {"page": page, "open_only": open_only})


@capability_required("handle_privacy_requests")
@require_http_methods(["GET", "POST"])
def request_create(request, client_pk: int):
    client = get_client_for(request.user, client_pk)
    form = RequestForm(request.POST or None)
    if form.is_valid():
        try:
            created = services.register_request(
                actor=request.user, client=client, **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return redirect("privacy:detail", pk=created.pk)
    return render(request, "privacy/form.html", {"form": form, "client": client})


@capability_required("handle_privacy_requests")
def request_detail(request, pk: int):
    dsr = selectors.get_request_for(request.user, pk)
    return render(
        request,
        "privacy/detail.html",
        {
            "dsr": dsr,
            "actions": ACTIONS.allowed(dsr, request.user),
            "duties": services.retention_duties(dsr.client)
            if dsr.wants_erasure and dsr.is_open
            else [],
            "events": audit_events_for(
                object_type="privacy.datasubjectrequest", object_id=str(dsr.pk)
            ),
        },
    )


POSTS = {
    "extend": Post(
        lambda r, dsr: services.extend_deadline(
            actor=r.user, request=dsr, reason=r.POST.get("reason", ""), version=posted_version(r)
        ),
        gettext_lazy("Termine prorogato: il motivo è stato inviato all'interessato."),
    ),
    "export": Post(
        lambda r, dsr: services.send_export(
            actor=r.user,
            request=dsr,
            base_url=base_url(r),
            version=posted_version(r),
        ),
        gettext_lazy("Esportazione inviata all'interessato con un link personale a scadenza."),
    ),
    "answer": Post(
        lambda r, dsr: services.answer_request(
            actor=r.user, request=dsr, answer=r.POST.get("answer", ""), version=posted_version(r)
        ),
        gettext_lazy("Risposta registrata e inviata all'interessato."),
    ),
}


@require_POST
def request_action(request, pk: int, action: str):
    return run_action(
        request,
        action,
        actions=ACTIONS,
        posts=POSTS,
        load=lambda request: selectors.get_request_for(request.user, pk),
        done=lambda request, dsr, result: redirect("privacy:detail", pk=dsr.pk),
        refused=lambda request, dsr: redirect(reverse("privacy:detail", args=[dsr.pk])),
    )


def export_download(request, token: str):
    """The person's export, through the signed link e-mailed to him; 404 once it expired or a
    newer export replaced it."""
    found = services.request_for_link(token)
    if found is None:
        raise Http404
    return services.open_export(request=found[0], part=found[1])


@csrf_exempt  # the signed link is the key; mail clients post here in one click (RFC 8058)
@client_page
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """The unsubscribe link of every e-mail: a page that asks to confirm, then withdraws the
    marketing consent of the address the e-mail went to. No login."""
    message = message_for_token(token)
    if message is None:
        raise Http404
    speak_language_on_file(request, message.language)
    done = request.method == "POST"
    if done:
        withdraw_marketing_by_address(email=message.recipient)
    return render(request, "privacy/unsubscribe.html", {"done": done})
