"""The signer's pages (public, reachable only through a valid link) and the staff actions."""

from csp.decorators import csp_replace
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from polis.core.access import capability_required
from polis.core.errors import DomainError
from polis.core.http import client_ip
from polis.core.ratelimit import over_limit
from polis.documents.services import open_download
from polis.signatures import pades, selectors, services
from polis.signatures.registry import handler_for


def _visit(request) -> services.Visit:
    return services.Visit(ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", ""))


def _unusable(request, error: DomainError, status: int = 410):
    return render(request, "signatures/unusable.html", {"message": error.message}, status=status)


def _guarded(view):
    """Bound link guessing per address, and turn unusable links into a clear page."""

    def wrapper(request, token: str, **kwargs):
        if over_limit(request, group="signature-link", key=client_ip(request), rate="60/10m"):
            return render(request, "signatures/unusable.html", {"slow_down": True}, status=429)
        try:
            return view(request, token, **kwargs)
        except services.LinkUnusable as error:
            return _unusable(request, error)

    wrapper.__name__ = view.__name__
    return wrapper


def fea_note(request):
    return render(
        request,
        "signatures/note.html",
        {
            "development": pades.is_development_certificate(),
            "version": services.DECLARATIONS_VERSION,
        },
    )


@_guarded
def sign(request, token: str):
    signature = services.open_signature_request(token=token, visit=_visit(request))
    code_sent = signature.status == signature.Status.CODE_SENT
    return render(
        request,
        "signatures/sign.html",
        {
            "signature": signature,
            "token": token,
            "code_sent": code_sent,
            "development": pades.is_development_certificate(),
            "version": services.DECLARATIONS_VERSION,
            "subject": handler_for(signature.subject_kind),
            "documents": services.documents_to_acknowledge(signature),
            "acknowledged": services.documents_acknowledged(signature),
            "acknowledgment": services.ACKNOWLEDGMENT_TEXT,
        },
    )


@_guarded
def signing_document(request, token: str, number: int):
    """One of the documents shown before the contract (e.g. the MUP), opened by the signer."""
    document = services.open_signing_document(token=token, number=number, visit=_visit(request))
    return open_download(actor=None, stored=document["file"], inline=True)


@xframe_options_sameorigin
@csp_replace({"frame-ancestors": ["'self'"]})
@_guarded
def document(request, token: str):
    """The document inline, also inside the signing page's frame (same origin only)."""
    signature = services.record_document_view(token=token, visit=_visit(request))
    return open_download(actor=None, stored=signature.document, inline=True)


def _step(request, token: str, action, success: str = ""):
    try:
        action()
    except services.LinkUnusable:
        raise
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if success:
            messages.success(request, success)
    return redirect("signatures:sign", token=token)


@require_POST
@_guarded
def accept(request, token: str):
    return _step(
        request,
        token,
        lambda: services.accept_declarations(
            token=token, visit=_visit(request), accepted=request.POST.get("accept") == "1"
        ),
    )


@require_POST
@_guarded
def acknowledge(request, token: str):
    return _step(
        request,
        token,
        lambda: services.acknowledge_documents(
            token=token, visit=_visit(request), accepted=request.POST.get("acknowledge") == "1"
        ),
    )


@require_POST
@_guarded
def send_code(request, token: str):
    return _step(
        request,
        token,
        lambda: services.send_signature_code(token=token, visit=_visit(request)),
        _("Ti abbiamo inviato il codice via SMS."),
    )


@require_POST
@_guarded
def confirm(request, token: str):
    return _step(
        request,
        token,
        lambda: services.sign_with_code(
            token=token, code=request.POST.get("code", "")[:20], visit=_visit(request)
        ),
        _("Documento firmato. Te ne abbiamo inviato una copia per e-mail."),
    )


@require_POST
@_guarded
def decline(request, token: str):
    try:
        services.decline_signature(
            token=token,
            reason=request.POST.get("reason", "")[:500],
            visit=_visit(request),
            attachments=[(f.name, f.read()) for f in request.FILES.getlist("files")[:10]],
        )
    except services.LinkUnusable:
        raise
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("signatures:sign", token=token)
    return render(request, "signatures/unusable.html", {"declined": True})


@require_POST
@_guarded
def withdraw(request, token: str):
    services.withdraw_fea_consent(token=token, visit=_visit(request))
    return render(request, "signatures/unusable.html", {"withdrawn": True})


def _signed_file(token: str, attribute: str):
    signature = services.signed_request(token=token)
    return open_download(actor=None, stored=getattr(signature, attribute))


@_guarded
def signed_document(request, token: str):
    return _signed_file(token, "signed_document")


@_guarded
def report(request, token: str):
    return _signed_file(token, "report")


# --- Staff --------------------------------------------------------------------------------


def _staff(request, pk: int, action, success: str):
    signature = selectors.get_signature_request_for(request.user, pk)
    try:
        action(signature)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect(handler_for(signature.subject_kind).url(signature))


@capability_required("manage_signatures")
@require_POST
def resend(request, pk: int):
    return _staff(
        request,
        pk,
        lambda s: services.resend_signature_request(actor=request.user, request=s),
        _("Nuovo link di firma inviato al cliente."),
    )


@capability_required("manage_signatures")
@require_POST
def void(request, pk: int):
    return _staff(
        request,
        pk,
        lambda s: services.void_signature_request(actor=request.user, request=s),
        _("Richiesta di firma annullata."),
    )
