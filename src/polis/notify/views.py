from csp.decorators import csp_exempt
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from polis.core.access import capability_required
from polis.core.pagination import CappedPaginator
from polis.documents.services import open_download
from polis.notify import selectors, services
from polis.notify.models import OutboundMessage


@capability_required("manage_outbox")
def sms_outbox(request):
    """Administrators read the SMS the platform sent. Signature codes are shown only with the
    development SMS provider, where this page is their delivery; with a real gateway a pending
    or failed code stays hidden, so staff cannot read a client's code and sign in their place."""
    return render(
        request,
        "notify/sms_outbox.html",
        {
            "sms": selectors.sms_outbox()[:100],
            "failed": selectors.failed_messages()[:50],
            "show_codes": settings.SMS_BACKEND == "outbox",
        },
    )


@capability_required("manage_outbox")
@require_POST
def retry(request, pk: int):
    message = get_object_or_404(OutboundMessage, pk=pk, status=OutboundMessage.Status.FAILED)
    services.retry_message(actor=request.user, message=message)
    messages.success(request, _("Messaggio rimesso in coda."))
    return redirect("notify:sms_outbox")


# The e-mail's own HTML, shown in a sandboxed frame of *Posta inviata*: no scripts, forms or
# remote content; its links open in a new tab outside the sandbox.
MAIL_BODY_CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'; "
    "form-action 'none'; base-uri 'none'; sandbox allow-popups allow-popups-to-escape-sandbox"
)

BASE_TARGET = '<base target="_blank">'


def _sent_email(pk: int) -> OutboundMessage:
    """The e-mail, when *Posta inviata* is offered (EMAIL_OUTBOX_PAGE), else 404."""
    message = selectors.sent_email(pk) if settings.EMAIL_OUTBOX_PAGE else None
    if message is None:
        raise Http404
    return message


@capability_required("manage_outbox")
def mail_outbox(request):
    """Administrators read the e-mails the platform sent, in development with the console or
    file backend only (EMAIL_OUTBOX_PAGE): a newcomer finds the links (signing, login) here."""
    if not settings.EMAIL_OUTBOX_PAGE:
        raise Http404
    page = CappedPaginator(selectors.mail_outbox(), 50).get_page(request.GET.get("pagina"))
    return render(request, "notify/mail_outbox.html", {"page": page})


@capability_required("manage_outbox")
def mail_detail(request, pk: int):
    return render(request, "notify/mail_detail.html", {"email": _sent_email(pk)})


@capability_required("manage_outbox")
@xframe_options_sameorigin
@csp_exempt()
def mail_body(request, pk: int):
    """The e-mail's HTML (or its text, links made clickable) for the frame of the detail page."""
    message = _sent_email(pk)
    if message.body_html:
        html = message.body_html
        head = html.lower().find("<head>")
        at = head + len("<head>") if head >= 0 else 0
        html = f"{html[:at]}{BASE_TARGET}{html[at:]}"
    else:
        html = render_to_string("notify/mail_body.html", {"email": message})
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = MAIL_BODY_CSP
    response["Cache-Control"] = "private, no-store"
    return response


@capability_required("manage_outbox")
def mail_attachment(request, pk: int, file_pk: int):
    stored = get_object_or_404(_sent_email(pk).attachments, pk=file_pk)
    return open_download(actor=request.user, stored=stored)
