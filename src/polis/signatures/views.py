"""The signer's pages (public, reachable only through a valid link) and the staff actions."""

import time

from csp.decorators import csp_replace
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from polis.core.access import capability_required
from polis.core.errors import DomainError
from polis.core.forms import uploads
from polis.core.http import client_ip
from polis.core.languages import client_page, speak_language_on_file
from polis.core.links import base_url
from polis.core.ratelimit import over_limit
from polis.documents.services import open_download
from polis.signatures import pades, selectors, services
from polis.signatures.registry import handler_for


def _visit(request) -> services.Visit:
    return services.Visit(ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", ""))


def _unusable(request, error: DomainError, status: int = 410):
    return render(request, "signatures/unusable.html", {"message": error.message}, status=status)


def _over_limits(request, token: str, signer_id: int | None, *, per_address: bool) -> bool:
    """Requests counted per link and per signer (one client's retries block only them); per
    address only against floods, since an agency's counter is one address for many clients."""
    rates = settings.SIGNATURE_LINK_RATES
    if per_address and over_limit(
        request, group="signature-address", key=client_ip(request), rate=rates["address"]
    ):
        return True
    link = selectors.hash_token(token)
    if over_limit(request, group="signature-link", key=link, rate=rates["link"]):
        return True
    return signer_id is not None and over_limit(
        request, group="signature-signer", key=str(signer_id), rate=rates["signer"]
    )


def _guarded(view=None, *, per_address: bool = True):
    """Bound requests to a link, speak its signer's language, and turn unusable links into a
    clear page."""

    def decorate(view):
        def wrapper(request, token: str, **kwargs):
            signer_id, language = selectors.signer_for_token(token) or (None, "")
            speak_language_on_file(request, language)
            if _over_limits(request, token, signer_id, per_address=per_address):
                return render(request, "signatures/unusable.html", {"slow_down": True}, status=429)
            try:
                return view(request, token, **kwargs)
            except services.LinkUnusable as error:
                return _unusable(request, error)

        wrapper.__name__ = view.__name__
        return wrapper

    return decorate(view) if view else decorate


def _access_key(token: str) -> str:
    return "signature-access:" + selectors.hash_token(token)


def _verified(request, token: str) -> bool:
    """Whether this browser proved with an access code, a few minutes ago, to hold the phone."""
    return request.session.get(_access_key(token), 0) > time.time()


@client_page
def fea_note(request):
    return render(
        request,
        "signatures/note.html",
        {
            "development": pades.is_development_certificate(),
            "version": services.DECLARATIONS_VERSION,
        },
    )


@client_page
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
            "verified": _verified(request, token),
            "document_open": services.signed_document_open(signature),
            "access_code_sent": selectors.access_code_pending(signature),
            "signed_days": settings.SIGNATURE_SIGNED_DAYS,
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


@client_page
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


@client_page
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


@client_page
@require_POST
@_guarded
def send_code(request, token: str):
    return _step(
        request,
        token,
        lambda: services.send_signature_code(token=token, visit=_visit(request)),
        _("Ti abbiamo inviato il codice via SMS."),
    )


@client_page
@require_POST
@_guarded
def confirm(request, token: str):
    try:
        signature = services.sign_with_code(
            token=token, code=request.POST.get("code", "")[:20], visit=_visit(request)
        )
    except services.LinkUnusable:
        raise
    except DomainError as error:
        messages.error(request, error.message)
    else:
        done = handler_for(signature.subject_kind).signed_message or _("Documento firmato")
        messages.success(
            request, _("%(done)s. Te ne abbiamo inviato una copia per e-mail.") % {"done": done}
        )
    return redirect("signatures:sign", token=token)


@client_page
@require_POST
@_guarded
def decline(request, token: str):
    try:
        signature = services.decline_signature(
            token=token,
            reason=request.POST.get("reason", "")[:500],
            visit=_visit(request),
            attachments=uploads(request),
        )
    except services.LinkUnusable:
        raise
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("signatures:sign", token=token)
    return render(
        request,
        "signatures/unusable.html",
        {"declined": True, "subject": handler_for(signature.subject_kind)},
    )


@client_page
@require_POST
@_guarded
def send_access_code(request, token: str):
    return _step(
        request,
        token,
        lambda: services.send_access_code(token=token, visit=_visit(request)),
        _("Ti abbiamo inviato il codice di verifica via SMS."),
    )


@client_page
@require_POST
@_guarded
def verify_access(request, token: str):
    try:
        services.verify_access_code(
            token=token, code=request.POST.get("code", "")[:20], visit=_visit(request)
        )
    except services.LinkUnusable:
        raise
    except DomainError as error:
        messages.error(request, error.message)
    else:
        request.session[_access_key(token)] = time.time() + 60 * settings.SIGNATURE_ACCESS_MINUTES
        messages.success(request, _("Codice verificato: puoi scaricare i documenti."))
    return redirect("signatures:sign", token=token)


@client_page
@require_POST
@_guarded
def withdraw(request, token: str):
    try:
        services.withdraw_fea_consent(
            token=token,
            code=request.POST.get("code", "")[:20],
            confirmed=request.POST.get("confirm") == "1",
            visit=_visit(request),
        )
    except services.LinkUnusable:
        raise
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("signatures:sign", token=token)
    return render(request, "signatures/unusable.html", {"withdrawn": True})


def _signed_file(request, token: str, *, report: bool):
    try:
        signature = services.signed_request(
            token=token, verified=_verified(request, token), report=report
        )
    except services.CodeRequired as error:
        messages.info(request, error.message)
        return redirect("signatures:sign", token=token)
    stored = signature.report if report else signature.signed_document
    return open_download(actor=None, stored=stored)


@_guarded(per_address=False)
def signed_document(request, token: str):
    return _signed_file(request, token, report=False)


@_guarded
def report(request, token: str):
    return _signed_file(request, token, report=True)


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
        lambda s: services.resend_signature_request(
            actor=request.user, request=s, base_url=base_url(request)
        ),
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
