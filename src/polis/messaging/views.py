from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from polis.core.access import MGA_STAFF, capability_required
from polis.core.errors import DomainError
from polis.core.forms import show_error
from polis.core.links import base_url
from polis.documents.services import open_download
from polis.messaging import selectors, services
from polis.messaging.forms import MessageForm, NewThreadForm

FILTERS = {"da-leggere": "unread", "richieste": "requests"}


@capability_required("use_messages")
def inbox(request):
    threads = selectors.with_unread(selectors.threads_visible_to(request.user), request.user)
    shown = FILTERS.get(request.GET.get("filtro", ""))
    if shown == "unread":
        threads = threads.filter(unread=True)
    elif shown == "requests":
        threads = threads.filter(open_requests__gt=0)
    return render(
        request,
        "messaging/inbox.html",
        {
            "threads": threads.order_by("-last_message_at")[:100],
            "filter": shown,
        },
    )


@capability_required("use_messages")
@require_http_methods(["GET", "POST"])
def new_thread(request):
    from_mga = request.user.role in MGA_STAFF
    form = NewThreadForm(request.POST or None, request.FILES or None, from_mga=from_mga)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            thread = services.open_thread(
                actor=request.user,
                firm=data["firm"] if from_mga else request.user.firm,
                title=data["title"],
                body=data["body"],
                is_request=data.get("is_request", False),
                files=data["files"],
                base_url=base_url(request),
            )
        except DomainError as error:
            show_error(form, error)
        else:
            return redirect("messaging:thread", pk=thread.pk)
    return render(request, "messaging/new_thread.html", {"form": form})


@capability_required("use_messages")
@require_http_methods(["GET", "POST"])
def thread(request, pk: int):
    current = selectors.get_thread_for(request.user, pk)
    from_mga = request.user.role in MGA_STAFF
    form = MessageForm(request.POST or None, request.FILES or None, from_mga=from_mga)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_message(
                actor=request.user,
                thread=current,
                body=form.cleaned_data["body"],
                is_request=form.cleaned_data.get("is_request", False),
                files=form.cleaned_data["files"],
                base_url=base_url(request),
            )
        except DomainError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Messaggio inviato."))
            return redirect("messaging:thread", pk=current.pk)
    services.mark_thread_read(actor=request.user, thread=current)
    return render(
        request,
        "messaging/thread.html",
        {
            "thread": current,
            "thread_messages": selectors.messages_of(current),
            "form": form,
        },
    )


@capability_required("use_messages")
def attachment(request, pk: int, file_pk: int):
    stored = selectors.get_attachment_for(request.user, pk, file_pk)
    return open_download(actor=request.user, stored=stored)
