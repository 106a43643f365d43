from datetime import date

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.backends.utils import csrf_input
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from polis.catalog.forms import answers_of, questionnaire_form_class
from polis.catalog.selectors import coverages_of, documents_in_force
from polis.catalog.target_market import (
    Fit,
    TargetCheck,
    already_justified,
)
from polis.core.access import capability_required
from polis.core.actions import Post, posted_version, run_action
from polis.core.errors import DomainError
from polis.core.exports import FORMATS, export_response
from polis.core.forms import StyledForm, show_error, uploaded_files, uploads
from polis.core.links import base_url
from polis.core.pagecache import cached_page
from polis.core.pagination import CappedPaginator
from polis.core.rows import table_body
from polis.documents.services import open_download
from polis.practices import selectors, services
from polis.practices.actions import ACTIONS, ENDORSEMENT_ACTIONS, PAYMENT_ACTIONS
from polis.practices.forms import (
    EndorsementForm,
    EndorsementSignatureForm,
    ExpiringFilterForm,
    PaymentForm,
    PracticeFilterForm,
)
from polis.practices.models import Payment, Practice
from polis.practices.rows import (
    EXPIRING_ROW,
    PRACTICE_ROW,
    RENEWAL_ROW,
    practice_rows,
    renewal_rows,
)
from polis.quotes.actions import ACTIONS as QUOTE_ACTIONS
from polis.quotes.selectors import get_quote_for
from polis.quotes.views import pricing_page, product_chooser
from polis.signatures.actions import ACTIONS as SIGNATURE_ACTIONS


def _listing(request, template: str, rows, form, *, expiring: bool):
    """A page of `rows`, formatted once in Python (Pratiche, or Pratiche in scadenza with their
    Rinnova buttons); htmx asks only for the results partial."""
    page = CappedPaginator(selectors.as_rows(rows), form.page_size).get_page(
        request.GET.get("pagina")
    )
    if expiring:
        formatted = _renewal_rows(request, page, expiring=True)
        body = table_body(formatted, EXPIRING_ROW)
    else:
        formatted = practice_rows(page, request.user)
        body = table_body(formatted, PRACTICE_ROW)
    template = f"{template}#results" if request.htmx else template
    return render(request, template, {"page": page, "form": form, "rows": formatted, "body": body})


def _renewal_rows(request, practices, *, expiring: bool) -> list[dict]:
    """Each practice of a list with the one action its row may offer: renewing it."""
    return renewal_rows(
        practices,
        request.user,
        renewable=lambda p: bool(ACTIONS.allowed(p, request.user, only={"renew"})),
        csrf=csrf_input(request),
        expiring=expiring,
    )


@capability_required("view_practices")
@cached_page
def practice_list(request):
    form = PracticeFilterForm(request.GET)
    return _listing(
        request,
        "practices/list.html",
        selectors.filtered_practices(request.user, form),
        form,
        expiring=False,
    )


@capability_required("view_practices")
@cached_page
def expiring_list(request):
    form = ExpiringFilterForm(request.GET)
    practices = selectors.expiring_practices(request.user, form)
    return _listing(
        request,
        "practices/expiring.html",
        selectors.with_renewable(practices, request.user),
        form,
        expiring=True,
    )


PRACTICE_COLUMNS = [
    _("Polizza"),
    _("Stato"),
    _("Cliente"),
    _("Codice fiscale / P. IVA"),
    _("Prodotto"),
    _("Compagnia"),
    _("Decorrenza"),
    _("Scadenza"),
    _("Premio lordo"),
    _("Provvigione"),
]


def _export_practices(practices, fmt: str, name: str):
    practices = practices.select_related("product__insurer")
    return export_response(
        fmt=fmt,
        name=name,
        headers=[str(column) for column in PRACTICE_COLUMNS],
        rows=(
            [
                p.policy_number or "",
                p.get_status_display(),
                p.client.display_name,
                p.client.tax_id,
                p.product.name,
                p.product.insurer.name,
                p.effective_date,
                p.end_date,
                p.gross,
                p.commission,
            ]
            for p in practices.iterator(chunk_size=2000)
        ),
    )


@capability_required("view_practices")
def export(request, fmt: str):
    form = PracticeFilterForm(request.GET)
    practices = selectors.filtered_practices(request.user, form)
    return _export_practices(practices, fmt, f"pratiche-{timezone.localdate():%Y%m%d}")


@capability_required("view_practices")
def expiring_export(request, fmt: str):
    form = ExpiringFilterForm(request.GET)
    practices = selectors.expiring_practices(request.user, form)
    return _export_practices(practices, fmt, f"pratiche-in-scadenza-{timezone.localdate():%Y%m%d}")


@capability_required("view_practices")
def practice_detail(request, pk: int):
    practice = selectors.get_practice_for(request.user, pk)
    return render(request, "practices/detail.html", _detail_context(request, practice))


def _target_market_ahead(practice: Practice) -> TargetCheck | None:
    check = selectors.target_market_check(practice)
    if check.fit == Fit.INSIDE or already_justified(check, practice.target_market):
        return None
    return check


def _detail_context(request, practice: Practice, payment_form=None) -> dict:
    actions = ACTIONS.allowed(practice, request.user)
    due = selectors.due_instalment(practice)
    thread = selectors.thread_of(practice)
    payments = selectors.payments_of(practice)
    return {
        "practice": practice,
        "actions": actions,
        "thread": thread,
        "question": selectors.open_question(thread)
        if practice.status == Practice.Status.INFO_REQUESTED
        else None,
        "uploaded": selectors.uploaded_documents(practice),
        "required_documents": practice.product.required_documents,
        "product_documents": documents_in_force(practice.product, practice.effective_date),
        "coverages": coverages_of(
            practice.product, practice.answers, practice.breakdown.get("cover")
        ),
        "delivery_media": Practice.DeliveryMedium.choices,
        # Told before "Emetti polizza": this one will wait for the MGA's review, and why.
        "review_ahead": selectors.review_reasons(practice)
        if practice.status == Practice.Status.DRAFT
        else [],
        # POG, told before "Emetti polizza": blocked, or a justification to write
        "target_market_ahead": _target_market_ahead(practice)
        if practice.status == Practice.Status.DRAFT
        else None,
        "payments": payments,
        # "Annulla pratica" asks for the client's IBAN when there is a premium to refund
        "refund_on_cancel": selectors.collected_premium(practice) if "cancel" in actions else None,
        # the payments the user may verify or reject, by id
        "payments_to_check": {
            payment.pk
            for payment in payments
            if "verify_payment" in PAYMENT_ACTIONS.allowed(payment, request.user)
        },
        "due_instalment": due,
        "due_amount": practice.instalments[due - 1] if due else None,
        "payment_form": payment_form
        or (
            PaymentForm(due=practice.instalments[due - 1]) if "record_payment" in actions else None
        ),
        "renewal": practice.renewals.exclude(status__in=selectors.ABANDONED).first(),
        "renewal_form": _renewal_form(practice) if "change_renewal" in actions else None,
        "renewal_changes": selectors.renewal_changes(practice),
        # each with what the user may do to it
        "signatures": [
            (signature, SIGNATURE_ACTIONS.allowed(signature, request.user))
            for signature in selectors.signature_requests_of(request.user, practice)
        ],
        "delivered": selectors.delivery_status(practice),
        "disclosures": selectors.disclosure_rows(practice),
        "disclosures_stored": selectors.disclosures_stored(practice),
        "signature_form": SignatureForm(),
        "versions": selectors.practice_versions(practice),
        "endorsements": _with_money(selectors.endorsements_of(practice)),
    }


def _with_money(endorsements) -> list:
    """The variazioni, each with `money`: where its premium difference stands (or None)."""
    rows = list(endorsements)
    for endorsement in rows:
        endorsement.money = selectors.premium_change(endorsement)
    return rows


def _safe(request, url: str) -> bool:
    return url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure())


def _to_next_or(request, fallback: str):
    """The page the form names in `next` (e.g. the back-office queue), else `fallback`."""
    then = request.POST.get("next", "")
    return redirect(then if _safe(request, then) else fallback)


def _back(request, fallback: str):
    """Back where the refused form was (the practice page, a list), its error shown there."""
    back = request.META.get("HTTP_REFERER", "")
    return redirect(back if _safe(request, back) else fallback)


def _refused(request, practice: Practice):
    return _back(request, reverse("practices:detail", args=[practice.pk]))


def _done(request, practice: Practice, result):
    """On the practice the action led to (a renewal is a new one), or the form's `next`."""
    target = result if isinstance(result, Practice) else practice
    return _to_next_or(request, reverse("practices:detail", args=[target.pk]))


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


def _send_for_signature(request, practice: Practice):
    form = SignatureForm(request.POST, request.FILES)
    if not form.is_valid():
        raise DomainError(_("Carica il documento d'identità e conferma l'identificazione."))
    upload = form.cleaned_data["identity_document"]
    return services.send_practice_for_signature(
        actor=request.user,
        practice=practice,
        identity_name=upload.name,
        identity_data=upload.read(),
        identity_attested=form.cleaned_data["identity_attested"],
        signer_name=form.cleaned_data["signer_name"],
        signer_codice_fiscale=form.cleaned_data["signer_codice_fiscale"],
        base_url=base_url(request),
    )


def _change_renewal(request, practice: Practice):
    form = _renewal_form(practice, request.POST)
    if form is None or not form.is_valid():
        raise DomainError(_("Controlla le risposte del questionario."))
    return services.change_renewal_answers(
        actor=request.user,
        practice=practice,
        answers=answers_of(form),
        version=posted_version(request),
    )


def _record_needs(request, practice: Practice):
    names = [q["name"] for q in practice.product.needs_questionnaire.get("questions", [])]
    return services.record_demands_and_needs(
        actor=request.user,
        practice=practice,
        answers={name: request.POST.get(name, "") for name in names},
        refused=request.POST.get("refused") == "1",
        medium=request.POST.get("medium", ""),
        durable_consent=request.POST.get("durable_consent") == "1",
    )


# How each form of the practice page runs its action (who may: practices.actions.ACTIONS)
POSTS = {
    "issue": Post(
        lambda r, p: services.issue_practice(
            actor=r.user,
            practice=p,
            version=posted_version(r),
            target_market_justification=r.POST.get("target_market_justification", ""),
        ),
        lambda done: (
            _("Polizza emessa.")
            if done.status == Practice.Status.ISSUED
            else _("Pratica inviata in revisione all'MGA: riceverai l'esito.")
        ),
    ),
    "approve": Post(
        lambda r, p: services.approve_practice(actor=r.user, practice=p, version=posted_version(r)),
        gettext_lazy("Pratica approvata: polizza emessa."),
    ),
    "decline": Post(
        lambda r, p: services.decline_practice(
            actor=r.user,
            practice=p,
            reason=r.POST.get("reason", ""),
            version=posted_version(r),
        ),
        gettext_lazy("Pratica rifiutata: l'agenzia è stata avvisata."),
    ),
    "request_information": Post(
        lambda r, p: services.request_practice_information(
            actor=r.user,
            practice=p,
            text=r.POST.get("text", ""),
            version=posted_version(r),
            base_url=base_url(r),
        ),
        gettext_lazy("Richiesta inviata all'agenzia: la pratica attende la risposta."),
    ),
    "answer_information": Post(
        lambda r, p: services.answer_practice_information(
            actor=r.user,
            practice=p,
            text=r.POST.get("text", ""),
            files=uploaded_files(r),
            base_url=base_url(r),
        ),
        gettext_lazy("Risposta inviata: la pratica torna in revisione all'MGA."),
    ),
    "add_documents": Post(
        lambda r, p: services.add_practice_documents(
            actor=r.user,
            practice=p,
            kind=r.POST.get("kind", "")[:40],
            uploads=uploads(r, "files"),
        ),
        gettext_lazy("Documenti aggiunti alla pratica."),
    ),
    "needs": Post(
        _record_needs,
        lambda done: (
            _("Esigenze registrate: il prodotto è coerente.")
            if done.needs["consistent"]
            else done.needs["reason"]
        ),
    ),
    "prepare_disclosures": Post(
        lambda r, p: services.prepare_disclosures(actor=r.user, practice=p),
        gettext_lazy("Documenti precontrattuali pronti: ora si consegnano al cliente."),
    ),
    "resend_disclosures": Post(
        lambda r, p: services.resend_disclosures(actor=r.user, practice=p),
        gettext_lazy("Documenti precontrattuali inviati di nuovo al cliente."),
    ),
    "paper_delivery": Post(
        lambda r, p: services.record_paper_delivery(
            actor=r.user,
            practice=p,
            name=r.FILES["receipt"].name if "receipt" in r.FILES else "",
            data=r.FILES["receipt"].read() if "receipt" in r.FILES else b"",
        ),
        gettext_lazy("Ricevuta registrata: i documenti precontrattuali risultano consegnati."),
    ),
    "send_for_signature": Post(
        _send_for_signature,
        gettext_lazy("Contratto inviato in firma: il cliente ha ricevuto il link per e-mail."),
    ),
    "renew": Post(
        lambda r, p: services.renew_practice(actor=r.user, practice=p),
        gettext_lazy(
            "Rinnovo preparato per il nuovo periodo: controlla il premio ed emetti la polizza."
        ),
    ),
    "cancel": Post(
        lambda r, p: services.cancel_practice(
            actor=r.user,
            practice=p,
            reason=r.POST.get("reason", ""),
            iban=r.POST.get("iban") or None,
        ),
        gettext_lazy("Pratica annullata."),
    ),
    "change_renewal": Post(
        _change_renewal, gettext_lazy("Premio di rinnovo ricalcolato con le nuove risposte.")
    ),
}


@require_POST
def practice_action(request, pk: int, action: str):
    """One POST endpoint per practice action (each at its own URL): the capability, then the
    service (which checks the practice is the actor's), then the outcome."""
    return run_action(
        request,
        action,
        actions=ACTIONS,
        posts=POSTS,
        load=lambda request: selectors.get_practice_for(request.user, pk),
        done=_done,
        refused=_refused,
    )


@require_POST
def convert(request, quote_pk: int):
    """Trasforma in pratica: a new practice from the quote."""
    return run_action(
        request,
        "convert",
        actions=QUOTE_ACTIONS,
        posts={
            "convert": Post(
                lambda r, quote: services.convert_quote(actor=r.user, quote=quote),
                gettext_lazy("Pratica creata dal preventivo."),
            )
        },
        load=lambda request: get_quote_for(request.user, quote_pk),
        done=lambda request, quote, practice: redirect("practices:detail", pk=practice.pk),
        refused=lambda request, quote: _back(request, reverse("quotes:detail", args=[quote.pk])),
    )


@capability_required("view_practices")
def practice_file(request, pk: int, which: str):
    """The contract, the signed contract or the signature report of a visible practice."""
    practice = selectors.get_practice_for(request.user, pk)
    stored = getattr(practice, which)
    if stored is None:
        raise Http404
    return open_download(actor=request.user, stored=stored)


@capability_required("view_practices")
def disclosure(request, pk: int, index: int):
    """A pre-contractual document of the practice, as stored and delivered (also printed for
    paper delivery)."""
    practice = selectors.get_practice_for(request.user, pk)
    return open_download(
        actor=request.user, stored=selectors.disclosure_file(practice, index), inline=True
    )


def client_disclosures(request, token: str):
    """The client's page of the pre-contractual documents, from the e-mailed signed link."""
    try:
        practice = services.practice_for_disclosure_link(token)
    except DomainError as error:
        return render(
            request, "practices/client_disclosures.html", {"error": error.message}, status=410
        )
    return render(
        request, "practices/client_disclosures.html", {"practice": practice, "token": token}
    )


def client_disclosure(request, token: str, index: int):
    try:
        practice = services.practice_for_disclosure_link(token)
    except DomainError:
        raise Http404 from None
    return open_download(actor=None, stored=selectors.disclosure_file(practice, index))


@capability_required("review_practices")
def review_queue(request):
    page = Paginator(selectors.review_queue(), 25).get_page(request.GET.get("pagina"))
    rows = [(practice, ACTIONS.allowed(practice, request.user)) for practice in page]
    return render(request, "practices/review_queue.html", {"page": page, "rows": rows})


# --- Perfezionamento ------------------------------------------------------------------------


@capability_required("work_portfolio")
@require_POST
def record_payment(request, pk: int):
    practice = selectors.get_practice_for(request.user, pk)
    form = PaymentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.record_payment(actor=request.user, practice=practice, **form.cleaned_data)
        except DomainError as error:
            show_error(form, error)
        else:
            practice.refresh_from_db()
            messages.success(request, _paid_message(practice))
            return redirect("practices:detail", pk=practice.pk)
    context = _detail_context(request, practice, payment_form=form)
    return render(request, "practices/detail.html", context, status=422)


def _paid_message(practice: Practice) -> str:
    if practice.payments.exclude(status=Payment.Status.REJECTED).count() > 1:
        return _("Pagamento registrato.")
    if practice.status == Practice.Status.COMPLETED:
        return _("Pagamento registrato: pratica perfezionata, decorre dal %(day)s.") % {
            "day": practice.effective_date.strftime("%d/%m/%Y")
        }
    return _("Pagamento registrato: la polizza è in vigore.")


@capability_required("view_practices")
def payment_receipt(request, pk: int):
    payment = selectors.get_payment_for(request.user, pk)
    return open_download(actor=request.user, stored=payment.receipt)


@capability_required("review_practices")
def payments_queue(request):
    page = Paginator(selectors.payments_to_verify(), 25).get_page(request.GET.get("pagina"))
    rows = [(payment, PAYMENT_ACTIONS.allowed(payment, request.user)) for payment in page]
    return render(request, "practices/payments_queue.html", {"page": page, "rows": rows})


PAYMENT_POSTS = {
    "verify_payment": Post(
        lambda r, payment: services.verify_payment(actor=r.user, payment=payment),
        gettext_lazy("Pagamento verificato."),
    ),
    "reject_payment": Post(
        lambda r, payment: services.reject_payment(
            actor=r.user, payment=payment, reason=r.POST.get("reason", "")
        ),
        gettext_lazy("Pagamento respinto: l'agenzia è stata avvisata."),
    ),
}


@require_POST
def payment_action(request, pk: int, action: str):
    """The MGA verifies or rejects a payment; then the form's `next` (the queue) or the
    practice."""

    def back(request, payment, result=None):
        return _to_next_or(request, reverse("practices:detail", args=[payment.practice_id]))

    return run_action(
        request,
        action,
        actions=PAYMENT_ACTIONS,
        posts=PAYMENT_POSTS,
        load=lambda request: selectors.get_payment_for(request.user, pk),
        done=back,
        refused=back,
    )


@capability_required("view_commissions")
def commissions(request):
    """The commission statement is the ledger's (Contabilità): same month and firm asked."""
    query = request.GET.urlencode()
    return redirect(f"{reverse('accounting:commissions')}{'?' + query if query else ''}")


# --- Renewals -----------------------------------------------------------------------------


@capability_required("work_portfolio")
@cached_page
def renewals(request):
    query = request.GET.get("q", "").strip()[:100]
    practices = selectors.renewable_practices(request.user, query)
    rows = selectors.as_rows(selectors.with_renewable(practices, request.user))
    page = CappedPaginator(rows, 25).get_page(request.GET.get("pagina"))
    formatted = _renewal_rows(request, page, expiring=False)
    template = "practices/renewals.html#results" if request.htmx else "practices/renewals.html"
    context = {"page": page, "rows": formatted, "body": table_body(formatted, RENEWAL_ROW)}
    return render(request, template, {**context, "query": query})


def _renewal_form(practice: Practice, data=None):
    """The questionnaire of a renewal not yet issued, filled with its answers."""
    if practice.renewal_of_id is None or practice.status != Practice.Status.DRAFT:
        return None
    return questionnaire_form_class(practice.product)(data, initial=practice.answers)


# AGGIUNGI PRATICA: first the product.
choose_product = product_chooser(
    heading=gettext_lazy("Aggiungi pratica"),
    intro=gettext_lazy(
        "Scegli il prodotto del nuovo contratto: il premio si calcola con la tariffa "
        "valida alla decorrenza, poi potrai emettere la polizza."
    ),
    product_url="practices:create_for_product",
)


@capability_required("work_portfolio")
@require_http_methods(["GET", "POST"])
def create_practice(request, code: str):
    def create(product, values):
        practice = services.create_practice(actor=request.user, product=product, **values)
        messages.success(request, _("Pratica creata: controlla il premio ed emetti la polizza."))
        return redirect("practices:detail", pk=practice.pk)

    heading, submit_label = _("Nuova pratica"), _("Calcola il premio e crea la pratica")
    return pricing_page(request, code, create, heading, submit_label, back="practices:create")


@capability_required("view_practices")
def practice_document(request, pk: int, document_pk: int):
    """A document added to the practice: authorized by the practice, and logged."""
    document = selectors.get_practice_document_for(request.user, pk, document_pk)
    return open_download(actor=request.user, stored=document.file)


def _report_period(request) -> tuple[date | None, date | None]:
    def day(name: str) -> date | None:
        try:
            return date.fromisoformat(request.GET.get(name, ""))
        except ValueError:
            return None

    return day("dal"), day("al")


TARGET_MARKET_HEADERS = [
    gettext_lazy("Data"),
    gettext_lazy("Prodotto"),
    gettext_lazy("Agenzia"),
    gettext_lazy("Collaboratore"),
    gettext_lazy("Polizza"),
    gettext_lazy("Stato"),
    gettext_lazy("Fuori target per"),
    gettext_lazy("Motivazione"),
]


@capability_required("view_target_market_report")
def target_market_report(request):
    """POG: the sales outside the products' target markets, per product and collaborator, with
    each justification (page, or ?formato=csv|xlsx)."""
    start, end = _report_period(request)
    sales = selectors.sales_outside_target_market(request.user, start, end)
    fmt = request.GET.get("formato")
    if fmt in FORMATS:
        return export_response(
            fmt=fmt,
            name="vendite-fuori-target-market",
            headers=[str(h) for h in TARGET_MARKET_HEADERS],
            rows=(
                [
                    timezone.localtime(p.created_at).date(),
                    p.product.name,
                    p.firm.name,
                    p.created_by.get_full_name(),
                    p.policy_number,
                    p.get_status_display(),
                    "; ".join(p.target_market.get("reasons", [])),
                    p.target_market.get("justification", ""),
                ]
                for p in sales.iterator(chunk_size=500)
            ),
        )
    page = CappedPaginator(sales, 25).get_page(request.GET.get("pagina"))
    return render(
        request,
        "practices/target_market_report.html",
        {
            "page": page,
            "totals": selectors.outside_target_market_totals(sales),
            "start": start,
            "end": end,
        },
    )


# --- Variazioni (endorsements) --------------------------------------------------------------


@capability_required("work_portfolio")
@require_http_methods(["GET", "POST"])
def endorse(request, pk: int):
    """RICHIEDI VARIAZIONE: the questionnaire with the answers in force, the effective date;
    on posting, the variazione is priced and shown as a draft to confirm."""
    practice = selectors.get_practice_for(request.user, pk)
    if "endorse" not in ACTIONS.allowed(practice, request.user):
        messages.error(request, _("Su questa polizza ora non si può richiedere una variazione."))
        return redirect("practices:detail", pk=practice.pk)
    questionnaire_class = questionnaire_form_class(practice.product)
    current = selectors.current_answers(practice)
    data = request.POST if request.method == "POST" else None
    questionnaire = questionnaire_class(data, initial=current)
    details = EndorsementForm(data)
    if data is not None and questionnaire.is_valid() and details.is_valid():
        try:
            endorsement = services.request_endorsement(
                actor=request.user,
                practice=practice,
                answers=answers_of(questionnaire),
                effective_date=details.cleaned_data["effective_date"],
                note=details.cleaned_data["note"],
            )
        except DomainError as error:
            show_error(details if error.field in details.fields else questionnaire, error)
        else:
            messages.success(
                request, _("Variazione calcolata: controlla la differenza e conferma.")
            )
            return redirect("practices:endorsement", pk=endorsement.pk)
    return render(
        request,
        "practices/endorse.html",
        {"practice": practice, "questionnaire": questionnaire, "details": details},
        status=422 if data is not None else 200,
    )


@capability_required("view_practices")
def endorsement_detail(request, pk: int):
    endorsement = selectors.get_endorsement_for(request.user, pk)
    actions = ENDORSEMENT_ACTIONS.allowed(endorsement, request.user)
    change = selectors.premium_change(endorsement)
    return render(
        request,
        "practices/endorsement.html",
        {
            "endorsement": endorsement,
            "practice": endorsement.practice,
            "actions": actions,
            "changes": selectors.endorsement_changes(endorsement),
            "days_left": (endorsement.practice.end_date - endorsement.effective_date).days,
            "coverages": coverages_of(endorsement.practice.product, endorsement.answers),
            "signatures": [
                (signature, SIGNATURE_ACTIONS.allowed(signature, request.user))
                for signature in selectors.endorsement_signature_requests(request.user, endorsement)
            ],
            "signature_form": EndorsementSignatureForm(),
            "premium_change": change,
            "payment_form": PaymentForm(due=change.amount) if "record_payment" in actions else None,
        },
    )


def _send_endorsement_for_signature(request, endorsement):
    form = EndorsementSignatureForm(request.POST, request.FILES)
    upload = form.cleaned_data["identity_document"] if form.is_valid() else None
    return services.send_endorsement_for_signature(
        actor=request.user,
        endorsement=endorsement,
        identity_name=upload.name if upload else "",
        identity_data=upload.read() if upload else b"",
        identity_attested=form.is_valid() and form.cleaned_data["identity_attested"],
        base_url=base_url(request),
    )


def _record_endorsement_payment(request, endorsement):
    form = PaymentForm(request.POST, request.FILES)
    if not form.is_valid():
        raise DomainError(_("Indica modalità, data e importo del pagamento e allega la ricevuta."))
    return services.record_endorsement_payment(
        actor=request.user, endorsement=endorsement, **form.cleaned_data
    )


ENDORSEMENT_POSTS = {
    "confirm": Post(
        lambda r, e: services.confirm_endorsement(
            actor=r.user, endorsement=e, version=posted_version(r)
        ),
        lambda done: (
            _("Appendice di variazione emessa: ora si invia in firma al cliente.")
            if done.status == done.Status.TO_SIGN
            else _("Variazione inviata in revisione all'MGA: riceverai l'esito.")
        ),
    ),
    "approve": Post(
        lambda r, e: services.approve_endorsement(
            actor=r.user, endorsement=e, version=posted_version(r)
        ),
        gettext_lazy("Variazione approvata: appendice emessa."),
    ),
    "refuse": Post(
        lambda r, e: services.refuse_endorsement(
            actor=r.user, endorsement=e, reason=r.POST.get("reason", ""), version=posted_version(r)
        ),
        gettext_lazy("Variazione rifiutata: l'agenzia è stata avvisata."),
    ),
    "withdraw": Post(
        lambda r, e: services.withdraw_endorsement(
            actor=r.user, endorsement=e, version=posted_version(r)
        ),
        gettext_lazy("Variazione ritirata."),
    ),
    "send_for_signature": Post(
        _send_endorsement_for_signature,
        gettext_lazy("Appendice inviata in firma: il cliente ha ricevuto il link per e-mail."),
    ),
    "record_payment": Post(
        _record_endorsement_payment,
        gettext_lazy("Pagamento registrato: l'MGA lo verificherà."),
    ),
    "request_refund": Post(
        lambda r, e: services.request_endorsement_refund(
            actor=r.user, endorsement=e, iban=r.POST.get("iban", "")
        ),
        gettext_lazy("Rimborso chiesto: l'MGA lo paga al cliente con la prossima distinta SEPA."),
    ),
}


@require_POST
def endorsement_action(request, pk: int, action: str):
    """One POST endpoint per variazione action, like the practice's."""
    return run_action(
        request,
        action,
        actions=ENDORSEMENT_ACTIONS,
        posts=ENDORSEMENT_POSTS,
        load=lambda request: selectors.get_endorsement_for(request.user, pk),
        done=lambda request, e, result: _to_next_or(
            request, reverse("practices:endorsement", args=[e.pk])
        ),
        refused=lambda request, e: _back(request, reverse("practices:endorsement", args=[e.pk])),
    )


@capability_required("view_practices")
def endorsement_file(request, pk: int, which: str):
    """The appendice, the signed appendice or its signature report."""
    endorsement = selectors.get_endorsement_for(request.user, pk)
    stored = getattr(endorsement, which)
    if stored is None:
        raise Http404
    return open_download(actor=request.user, stored=stored)


@capability_required("review_practices")
def endorsement_queue(request):
    page = Paginator(selectors.endorsement_review_queue(), 25).get_page(request.GET.get("pagina"))
    rows = [(e, ENDORSEMENT_ACTIONS.allowed(e, request.user)) for e in page]
    return render(request, "practices/endorsement_queue.html", {"page": page, "rows": rows})
