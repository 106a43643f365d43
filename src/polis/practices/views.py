from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from polis.core.access import capability_required
from polis.core.errors import DomainError
from polis.core.forms import StyledForm
from polis.documents.services import open_download
from polis.practices import selectors, services
from polis.practices.models import Practice
from polis.quotes.selectors import get_quote_for


@capability_required("view_practices")
def practice_list(request):
    status = request.GET.get("stato", "")
    practices = selectors.search_practices(
        request.user, query=request.GET.get("q", "")[:100], status=status
    )
    page = Paginator(practices, 25).get_page(request.GET.get("pagina"))
    template = "practices/list.html#results" if request.htmx else "practices/list.html"
    return render(
        request, template, {"page": page, "status": status, "statuses": Practice.Status.choices}
    )


@capability_required("view_practices")
def practice_detail(request, pk: int):
    practice = selectors.get_practice_for(request.user, pk)
    return render(
        request,
        "practices/detail.html",
        {
            "practice": practice,
            "signatures": selectors.signature_requests_of(request.user, practice),
            "signature_form": SignatureForm(),
        },
    )


def _act(request, action, success):
    """Run a service; show its error, or `success` (text, or a function of the practice)."""
    try:
        practice = action()
    except DomainError as error:
        messages.error(request, error.message)
        back = request.META.get("HTTP_REFERER", "")
        safe = url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure())
        return redirect(back if safe else "practices:list")
    messages.success(request, success(practice) if callable(success) else success)
    return redirect("practices:detail", pk=practice.pk)


@capability_required("work_portfolio")
@require_POST
def convert(request, quote_pk: int):
    quote = get_quote_for(request.user, quote_pk)
    return _act(
        request,
        lambda: services.convert_quote(actor=request.user, quote=quote),
        _("Pratica creata dal preventivo."),
    )


@capability_required("work_portfolio")
@require_POST
def issue(request, pk: int):
    practice = selectors.get_practice_for(request.user, pk)
    return _act(
        request,
        lambda: services.issue_practice(actor=request.user, practice=practice),
        lambda done: (
            _("Polizza emessa.")
            if done.status == Practice.Status.ISSUED
            else _("Pratica inviata in revisione all'MGA: riceverai l'esito.")
        ),
    )


@capability_required("review_practices")
@require_POST
def approve(request, pk: int):
    practice = selectors.get_practice_for(request.user, pk)
    return _act(
        request,
        lambda: services.approve_practice(actor=request.user, practice=practice),
        _("Pratica approvata: polizza emessa."),
    )


@capability_required("view_practices")
def practice_file(request, pk: int, which: str):
    """The contract, the signed contract or the signature report of a visible practice."""
    practice = selectors.get_practice_for(request.user, pk)
    stored = getattr(practice, which)
    if stored is None:
        raise Http404
    return open_download(actor=request.user, stored=stored)


class SignatureForm(StyledForm):
    identity_document = forms.FileField(label=_("Documento d'identità del firmatario"))
    identity_attested = forms.BooleanField(
        label=_("Ho identificato il firmatario con questo documento d'identità valido"),
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    signer_name = forms.CharField(label=_("Legale rappresentante"), required=False, max_length=200)
    signer_codice_fiscale = forms.CharField(
        label=_("Codice fiscale del legale rappresentante"), required=False, max_length=16
    )


@capability_required("manage_signatures")
@require_POST
def send_for_signature(request, pk: int):
    practice = selectors.get_practice_for(request.user, pk)
    form = SignatureForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Carica il documento d'identità e conferma l'identificazione."))
        return redirect("practices:detail", pk=practice.pk)
    upload = form.cleaned_data["identity_document"]
    return _act(
        request,
        lambda: services.send_practice_for_signature(
            actor=request.user,
            practice=practice,
            identity_name=upload.name,
            identity_data=upload.read(),
            identity_attested=form.cleaned_data["identity_attested"],
            signer_name=form.cleaned_data["signer_name"],
            signer_codice_fiscale=form.cleaned_data["signer_codice_fiscale"],
        ),
        _("Contratto inviato in firma: il cliente ha ricevuto il link per e-mail."),
    )


@capability_required("review_practices")
def review_queue(request):
    page = Paginator(selectors.review_queue(), 25).get_page(request.GET.get("pagina"))
    return render(request, "practices/review_queue.html", {"page": page})


@capability_required("review_practices")
@require_POST
def decline(request, pk: int):
    practice = selectors.get_practice_for(request.user, pk)
    return _act(
        request,
        lambda: services.decline_practice(
            actor=request.user, practice=practice, reason=request.POST.get("reason", "")
        ),
        _("Pratica rifiutata: l'agenzia è stata avvisata."),
    )
