"""The insured's page (public, reachable only through a valid link) and the agency's actions."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from polis.claims.selectors import get_claim_for
from polis.core.access import capability_required
from polis.core.errors import DomainError
from polis.core.http import client_ip
from polis.core.languages import client_page
from polis.core.links import base_url
from polis.core.ratelimit import over_limit
from polis.documents.services import open_download
from polis.insured import selectors, services
from polis.insured.models import InsuredLink
from polis.practices.selectors import get_practice_for
from polis.signatures.selectors import hash_token

MAX_FILES = 10


def _guarded(view):
    """Bound requests per link and per address (as the signing links), and answer a refused
    link with a clear page (410), offering the renewal when it only expired."""

    def wrapper(request, token: str, **kwargs):
        rates = settings.SIGNATURE_LINK_RATES
        if over_limit(
            request, group="insured-address", key=client_ip(request), rate=rates["address"]
        ) or over_limit(request, group="insured-link", key=hash_token(token), rate=rates["link"]):
            return render(request, "insured/refused.html", {"slow_down": True}, status=429)
        try:
            return view(request, token, **kwargs)
        except services.LinkRefused as refused:
            context = {"message": refused.message, "renewable": refused.renewable, "token": token}
            return render(request, "insured/refused.html", context, status=410)

    wrapper.__name__ = view.__name__
    return wrapper


@client_page
@_guarded
def page(request, token: str):
    link = services.open_insured_link(token=token)
    context = {"link": link, "token": token, "documents": selectors.page_documents(link)}
    if link.claim is not None:
        context["claim"] = selectors.claim_view(link.claim)
    else:
        context["policy_status"] = selectors.POLICY_STATUS[link.practice.status]
    return render(request, "insured/page.html", context)


@_guarded
def document(request, token: str, file_id: int):
    stored = services.document_to_download(token=token, file_id=file_id)
    return open_download(actor=None, stored=stored)


@client_page
@require_POST
@_guarded
def upload(request, token: str):
    files = [(f.name, f.read()) for f in request.FILES.getlist("files")[:MAX_FILES]]
    try:
        services.upload_missing_document(
            token=token, kind=request.POST.get("kind", ""), uploads=files
        )
    except services.LinkRefused:
        raise
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Documento ricevuto: grazie. Lo abbiamo segnalato a chi segue il sinistro.")
        )
    return redirect("insured:page", token=token)


@client_page
@_guarded
def renew(request, token: str):
    """Ask a new link: codice fiscale and mobile on file, then the code sent by SMS."""
    code_sent = False
    if request.method != "POST":
        services.check_renewable(token)
    else:
        try:
            if "code" in request.POST:
                new_token = services.renew_insured_link(token=token, code=request.POST["code"])
                messages.success(request, _("Ecco il tuo nuovo link: salvalo tra i preferiti."))
                return redirect("insured:page", token=new_token)
            services.send_renewal_code(
                token=token,
                codice_fiscale=request.POST.get("codice_fiscale", ""),
                mobile=request.POST.get("mobile", ""),
            )
            code_sent = True
        except services.LinkRefused:
            raise
        except DomainError as error:
            messages.error(request, error.message)
            code_sent = "code" in request.POST
    return render(request, "insured/renew.html", {"token": token, "code_sent": code_sent})


def _subject_redirect(link: InsuredLink):
    if link.claim_id:
        return redirect("claims:detail", pk=link.claim_id)
    return redirect("practices:detail", pk=link.practice_id)


@require_POST
@capability_required("view_practices")
def send_for_practice(request, pk: int):
    practice = get_practice_for(request.user, pk)
    try:
        services.send_insured_link(
            actor=request.user, practice=practice, base_url=base_url(request)
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Link inviato all'assicurato per e-mail e SMS."))
    return redirect("practices:detail", pk=practice.pk)


@require_POST
@capability_required("view_claims")
def send_for_claim(request, pk: int):
    claim = get_claim_for(request.user, pk)
    try:
        services.send_insured_link(
            actor=request.user, practice=claim.practice, claim=claim, base_url=base_url(request)
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Link inviato all'assicurato per e-mail e SMS."))
    return redirect("claims:detail", pk=claim.pk)


@require_POST
@capability_required("view_claims")
def revoke(request, pk: int):
    link = get_object_or_404(selectors.links_visible_to(request.user), pk=pk)
    services.revoke_insured_link(actor=request.user, link=link)
    messages.success(request, _("Link revocato: non apre più la pagina."))
    return _subject_redirect(link)
