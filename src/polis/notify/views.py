from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from polis.core.access import capability_required
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
