from datetime import date

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from polis.claims import selectors, services
from polis.claims.actions import ACTIONS, MANAGING
from polis.claims.cover import cover_period
from polis.claims.forms import ClaimForm
from polis.claims.models import Claim, Quietanza
from polis.claims.rows import CLAIM_ROW, claim_rows
from polis.core.access import Role, can, capability_required
from polis.core.actions import Post, posted_version, run_action
from polis.core.errors import DomainError
from polis.core.forms import show_error, uploaded_files, uploads
from polis.core.links import base_url
from polis.core.pagecache import cached_page
from polis.core.pagination import CappedPaginator
from polis.core.rows import table_body
from polis.documents.services import open_download
from polis.signatures.actions import ACTIONS as SIGNATURE_ACTIONS


@capability_required("open_claims")
def eligible_policies(request):
    """APRI SINISTRO: the policies on which a claim can be opened, with search."""
    query = request.GET.get("q", "")[:100]
    page = CappedPaginator(selectors.eligible_policies(request.user, query=query), 25).get_page(
        request.GET.get("pagina")
    )
    template = "claims/eligible.html#results" if request.htmx else "claims/eligible.html"
    return render(request, template, {"page": page, "query": query})


@capability_required("open_claims")
@require_http_methods(["GET", "POST"])
def open_claim(request, practice_pk: int):
    practice = selectors.get_eligible_policy_for(request.user, practice_pk)
    form = ClaimForm(practice, request.POST or None, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            claim = services.open_claim(
                actor=request.user,
                practice=practice,
                claim_type=data["claim_type"],
                event_date=data["event_date"],
                reported_on=data["reported_on"],
                place=data["place"],
                description=data["description"],
                estimated_amount=data["estimated_amount"],
                third_parties=data["third_parties"],
                documents={code: uploads(request, f"doc_{code}") for code in form.document_codes},
                notify_insured=data["notify_insured"],
            )
        except DomainError as error:
            show_error(form, error)
        else:
            messages.success(
                request,
                _("Sinistro aperto con il numero %(n)s. Ti abbiamo inviato la conferma per e-mail.")
                % {"n": claim.number},
            )
            return redirect("claims:detail", pk=claim.pk)
    selected = request.POST.get("claim_type") or request.GET.get("claim_type", "")
    return render(
        request,
        "claims/open.html",
        {
            "practice": practice,
            "form": form,
            "selected_type": selected,
            "cover": cover_period(practice).summary(),
        },
    )


@capability_required("view_claims")
@cached_page
def claim_list(request):
    """VISUALIZZA SINISTRI: status, SLA, filters and search."""
    status = request.GET.get("stato", "")
    claims = selectors.search_claims(
        request.user,
        query=request.GET.get("q", "")[:100],
        text=request.GET.get("testo", "")[:200],
        status=status,
        overdue=request.GET.get("scaduti") == "1",
    )
    if request.GET.get("polizza", "").isdigit():
        claims = claims.filter(practice_id=int(request.GET["polizza"]))
    page = CappedPaginator(selectors.as_rows(claims), 25).get_page(request.GET.get("pagina"))
    rows = claim_rows(page, timezone.localdate())
    context = {"page": page, "rows": rows, "body": table_body(rows, CLAIM_ROW)}
    context |= {"status": status, "statuses": Claim.Status.choices}
    if can(request.user, "handle_claims") and not request.htmx:
        context["overview"] = selectors.recent_sla_overview()
    template = "claims/list.html#results" if request.htmx else "claims/list.html"
    return render(request, template, context)


@capability_required("view_claims")
def claim_detail(request, pk: int):
    # every opening is logged (health data), also when the page comes from the cache
    claim = selectors.get_claim_for(request.user, pk, key_only=True)
    services.record_claim_access(actor=request.user, claims=[claim], what=_("pagina del sinistro"))
    return _claim_page(request, pk)


@cached_page
def _claim_page(request, pk: int):
    claim = selectors.get_claim_for(request.user, pk)
    kind = selectors.claim_type_of(claim.practice.product, claim.claim_type) or {"documents": []}
    requests = selectors.quietanza_requests(claim)
    actions = ACTIONS.allowed(claim, request.user)
    return render(
        request,
        "claims/detail.html",
        {
            "claim": claim,
            "sla": selectors.sla_of(claim),
            "cover_at_event": selectors.cover_at_event(claim),
            "documents": selectors.documents_of(claim),
            "missing": selectors.missing_documents(claim),
            "checklist": kind["documents"],
            "timeline": selectors.timeline_of(request.user, claim),
            # each with its signature request and what the user may do to it
            "quietanze": [
                _with_signature(quietanza, requests.get(quietanza.pk), request.user)
                for quietanza in claim.quietanze.all()
            ],
            "adjusters": get_user_model().objects.filter(role=Role.ADJUSTER, is_active=True),
            "today": timezone.localdate(),
            "thread": selectors.thread_of(claim),
            "Kind": Quietanza.Kind,
            "may_read_details": can(request.user, "read_claim_details"),
            "actions": actions,
            "managing": not actions.isdisjoint(MANAGING),
        },
    )


def _with_signature(quietanza: Quietanza, signature, user) -> tuple:
    """The quietanza, its signature request and what the user may do to the request."""
    allowed = SIGNATURE_ACTIONS.allowed(signature, user) if signature else frozenset()
    return quietanza, signature, allowed


@capability_required("view_claims")
def claim_document(request, pk: int, document_pk: int):
    """Every opening of a claim document is authorized and logged (health data)."""
    document = selectors.get_document_for(request.user, pk, document_pk)
    services.record_claim_access(
        actor=request.user,
        claims=[document.claim],
        what=_("documento «%(label)s»") % {"label": document.label},
    )
    return open_download(actor=request.user, stored=document.file)


@capability_required("view_claims")
def quietanza_pdf(request, pk: int, quietanza_pk: int):
    claim = selectors.get_claim_for(request.user, pk)
    quietanza = claim.quietanze.filter(pk=quietanza_pk).first()
    if quietanza is None:
        raise Http404
    if request.GET.get("rapporto"):
        # the evidence report (codice fiscale, addresses): for the firm and the MGA
        signature = selectors.quietanza_requests(claim).get(quietanza.pk)
        if request.user.role == Role.ADJUSTER or signature is None or signature.report is None:
            raise Http404
        stored, what = signature.report, _("rapporto di firma della quietanza v%(v)s")
    elif request.GET.get("firmata"):
        stored, what = quietanza.signed_document, _("quietanza v%(v)s firmata")
    else:
        stored, what = quietanza.document, _("quietanza v%(v)s")
    if stored is None:
        raise Http404
    services.record_claim_access(
        actor=request.user, claims=[claim], what=what % {"v": quietanza.version}
    )
    return open_download(actor=request.user, stored=stored)


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DomainError(_("Data non valida."), field="date") from None


def _adjuster(request):
    value = request.POST.get("adjuster", "")
    if not value.isdigit():
        return None
    return get_user_model().objects.filter(pk=int(value), role=Role.ADJUSTER).first()


# How each form of the claim page runs its action (who may: claims.actions.ACTIONS)
POSTS = {
    "documents": Post(
        lambda r, c: services.add_claim_documents(
            actor=r.user,
            claim=c,
            kind=r.POST.get("kind", "altro")[:40],
            uploads=uploads(r, "files"),
        ),
        gettext_lazy("Documenti aggiunti."),
    ),
    "message": Post(
        lambda r, c: services.write_about_claim(
            actor=r.user,
            claim=c,
            body=r.POST.get("body", ""),
            files=uploaded_files(r),
            base_url=base_url(r),
        ),
        gettext_lazy("Messaggio inviato."),
    ),
    "note": Post(
        lambda r, c: services.add_claim_note(
            actor=r.user, claim=c, text=r.POST.get("text", ""), shared=r.POST.get("internal") != "1"
        ),
        gettext_lazy("Nota aggiunta."),
    ),
    "request_documents": Post(
        lambda r, c: services.request_claim_documents(
            actor=r.user, claim=c, text=r.POST.get("text", ""), version=posted_version(r)
        ),
        gettext_lazy("Richiesta inviata all'agenzia."),
    ),
    "documents_complete": Post(
        lambda r, c: services.mark_documentation_complete(
            actor=r.user, claim=c, version=posted_version(r)
        ),
        gettext_lazy("Documentazione completa: parte il conteggio dei 20 giorni lavorativi."),
    ),
    "assign": Post(
        lambda r, c: services.assign_adjuster(
            actor=r.user,
            claim=c,
            adjuster=_adjuster(r),
            external=r.POST.get("external", "")[:200],
            version=posted_version(r),
        ),
        gettext_lazy("Liquidatore assegnato."),
    ),
    "insurer_number": Post(
        lambda r, c: services.record_insurer_claim_number(
            actor=r.user, claim=c, number=r.POST.get("number", "")[:50], version=posted_version(r)
        ),
        gettext_lazy("Numero della compagnia registrato."),
    ),
    "quietanza": Post(
        lambda r, c: services.post_quietanza(
            actor=r.user,
            claim=c,
            amount=r.POST.get("amount", ""),
            kind=r.POST.get("kind", ""),
            conditions=r.POST.get("conditions", ""),
            version=posted_version(r),
            base_url=base_url(r),
        ),
        gettext_lazy("Quietanza inviata all'assicurato per e-mail e SMS."),
    ),
    "payment": Post(
        lambda r, c: services.record_claim_payment(
            actor=r.user,
            claim=c,
            amount=r.POST.get("amount", ""),
            paid_on=_date(r.POST.get("paid_on", "")),
            iban=r.POST.get("iban", ""),
            version=posted_version(r),
        ),
        gettext_lazy("Pagamento registrato."),
    ),
    "close": Post(
        lambda r, c: services.close_claim(actor=r.user, claim=c, version=posted_version(r)),
        gettext_lazy("Sinistro chiuso."),
    ),
    "end": Post(
        lambda r, c: services.end_claim(
            actor=r.user,
            claim=c,
            outcome=r.POST.get("outcome", ""),
            reason=r.POST.get("reason", ""),
            version=posted_version(r),
        ),
        gettext_lazy("Esito registrato."),
    ),
    "reopen": Post(
        lambda r, c: services.reopen_claim(
            actor=r.user, claim=c, reason=r.POST.get("reason", ""), version=posted_version(r)
        ),
        gettext_lazy("Sinistro riaperto."),
    ),
}


@require_POST
def claim_action(request, pk: int, action: str):
    """One POST endpoint per claim action: the capability, then the service (which checks the
    claim is the actor's), then back to the claim with the outcome."""

    def back(request, claim, result=None):
        return redirect("claims:detail", pk=claim.pk)

    return run_action(
        request,
        action,
        actions=ACTIONS,
        posts=POSTS,
        load=lambda request: selectors.get_claim_for(request.user, pk),
        done=back,
        refused=back,
    )
