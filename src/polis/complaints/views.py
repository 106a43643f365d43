import datetime

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from polis.audit.selectors import audit_events_for
from polis.complaints import selectors, services
from polis.complaints.actions import ACTIONS
from polis.complaints.forms import (
    AnswerForm,
    AssignForm,
    ForwardForm,
    PeriodForm,
    PublicComplaintForm,
    RegisterComplaintForm,
)
from polis.complaints.models import RIGHTS_NOTICE, Complaint
from polis.core.access import capability_required
from polis.core.actions import Post, posted_version, run_action
from polis.core.errors import DomainError
from polis.core.exports import FORMATS, export_response
from polis.core.forms import show_error
from polis.core.http import client_ip
from polis.core.languages import client_page
from polis.core.pagination import CappedPaginator
from polis.core.ratelimit import over_limit


@client_page
@require_http_methods(["GET", "POST"])
def complaint_public(request):
    """The public form linked from every page's footer: no login, rate-limited per address."""
    form = PublicComplaintForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        if over_limit(
            request, group="complaint", key=client_ip(request), rate=settings.COMPLAINT_RATE
        ):
            form.add_error(None, _("Hai inviato troppi reclami. Riprova più tardi."))
        elif form.is_spam():
            return redirect("complaints:public_done")
        else:
            try:
                complaint = services.submit_complaint(
                    data=form.complaint_data(),
                    files=form.cleaned_data["files"],
                    language=get_language(),
                )
            except DomainError as error:
                show_error(form, error)
            else:
                request.session["complaint_number"] = complaint.number
                return redirect("complaints:public_done")
    return render(request, "complaints/public.html", {"form": form, "rights": RIGHTS_NOTICE})


@client_page
def complaint_public_done(request):
    return render(
        request,
        "complaints/public_done.html",
        {"number": request.session.pop("complaint_number", ""), "days": Complaint.ANSWER_DAYS},
    )


def _period(request) -> tuple[datetime.date, datetime.date]:
    """The period asked for (?start=&end=), else the current quarter."""
    form = PeriodForm(request.GET)
    if form.is_valid() and form.cleaned_data["start"] <= form.cleaned_data["end"]:
        return form.cleaned_data["start"], form.cleaned_data["end"]
    return selectors.quarter_of(timezone.localdate())


@capability_required("view_complaints")
def complaint_list(request):
    open_only = request.GET.get("aperti") == "1"
    search = request.GET.get("q", "").strip()[:100]
    page = CappedPaginator(
        selectors.complaint_list(request.user, open_only=open_only, search=search), 25
    ).get_page(request.GET.get("pagina"))
    start, end = selectors.quarter_of(timezone.localdate())
    return render(
        request,
        "complaints/list.html",
        {"page": page, "open_only": open_only, "q": search, "start": start, "end": end},
    )


@capability_required("handle_complaints")
@require_http_methods(["GET", "POST"])
def complaint_create(request):
    form = RegisterComplaintForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        try:
            created = services.register_complaint(
                actor=request.user,
                data=form.complaint_data(),
                channel=form.cleaned_data["channel"],
                received_on=form.cleaned_data["received_on"],
                files=form.cleaned_data["files"],
            )
        except DomainError as error:
            show_error(form, error)
        else:
            return redirect("complaints:detail", pk=created.pk)
    return render(request, "complaints/form.html", {"form": form})


@capability_required("view_complaints")
def complaint_detail(request, pk: int):
    complaint = selectors.get_complaint_for(request.user, pk)
    return render(
        request,
        "complaints/detail.html",
        {
            "complaint": complaint,
            "actions": ACTIONS.allowed(complaint, request.user),
            "assign_form": AssignForm(initial={"assignee": request.user.pk}),
            "answer_form": AnswerForm(),
            "forward_form": ForwardForm(),
            "rights": RIGHTS_NOTICE,
            "events": audit_events_for(
                object_type="complaints.complaint", object_id=str(complaint.pk)
            ),
        },
    )


def _assign(request, complaint):
    form = AssignForm(request.POST)
    if not form.is_valid():
        raise DomainError(_("Scegli l'operatore."), field="assignee")
    return services.assign_complaint(
        actor=request.user,
        complaint=complaint,
        assignee=form.cleaned_data["assignee"],
        version=posted_version(request),
    )


def _answer(request, complaint):
    form = AnswerForm(request.POST)
    if not form.is_valid():
        raise DomainError(_("Indica l'esito e scrivi la risposta."))
    return services.answer_complaint(
        actor=request.user,
        complaint=complaint,
        answer=form.cleaned_data["answer"],
        outcome=form.cleaned_data["outcome"],
        amount=form.cleaned_data["amount"],
        version=posted_version(request),
    )


POSTS = {
    "assign": Post(_assign, gettext_lazy("Reclamo assegnato.")),
    "forward": Post(
        lambda r, complaint: services.forward_complaint(
            actor=r.user,
            complaint=complaint,
            to=r.POST.get("to", ""),
            version=posted_version(r),
        ),
        gettext_lazy("Reclamo inoltrato alla compagnia; il reclamante ne è informato."),
    ),
    "answer": Post(_answer, gettext_lazy("Risposta registrata e affidata all'invio.")),
}


@require_POST
def complaint_action(request, pk: int, action: str):
    return run_action(
        request,
        action,
        actions=ACTIONS,
        posts=POSTS,
        load=lambda request: selectors.get_complaint_for(request.user, pk),
        done=lambda request, complaint, result: redirect("complaints:detail", pk=complaint.pk),
        refused=lambda request, complaint: redirect(
            reverse("complaints:detail", args=[complaint.pk])
        ),
    )


REGISTER_HEADERS = [
    gettext_lazy("Numero"),
    gettext_lazy("Data di ricezione"),
    gettext_lazy("Canale"),
    gettext_lazy("Reclamante"),
    gettext_lazy("Tipo di reclamante"),
    gettext_lazy("Nei confronti di"),
    gettext_lazy("Intermediario o compagnia"),
    gettext_lazy("Polizza"),
    gettext_lazy("Sinistro"),
    gettext_lazy("Categoria"),
    gettext_lazy("Sintesi"),
    gettext_lazy("Inoltrato a"),
    gettext_lazy("Inoltrato il"),
    gettext_lazy("Assegnato a"),
    gettext_lazy("Scadenza"),
    gettext_lazy("Data della risposta"),
    gettext_lazy("Esito"),
    gettext_lazy("Giorni trascorsi"),
    gettext_lazy("Importo riconosciuto"),
    gettext_lazy("Stato"),
]


def _register_row(c: Complaint) -> list:
    who = c.firm.name if c.firm else (c.insurer.name if c.insurer else "")
    return [
        c.number,
        c.received_on,
        c.get_channel_display(),
        c.complainant_name,
        c.get_complainant_kind_display(),
        c.get_against_display(),
        " – ".join(part for part in (who, c.subject_detail) if part),
        c.policy_ref,
        c.claim_ref,
        c.category.label,
        Truncator(" ".join(c.text.split())).chars(300),
        c.forwarded_to,
        c.forwarded_on,
        c.assigned_to.get_full_name() if c.assigned_to else "",
        c.due_on,
        c.answered_on,
        c.get_outcome_display(),
        c.days_elapsed,
        c.amount,
        c.get_status_display(),
    ]


@capability_required("view_complaints")
def complaint_register_export(request):
    """The register for a period, as the brief §6 lists its columns (CSV or Excel)."""
    start, end = _period(request)
    fmt = request.GET.get("formato", "csv")
    fmt = fmt if fmt in FORMATS else "csv"
    rows = selectors.register_rows(request.user, start, end)
    return export_response(
        fmt=fmt,
        name=f"registro-reclami-{start:%Y%m%d}-{end:%Y%m%d}",
        headers=[str(h) for h in REGISTER_HEADERS],
        rows=(_register_row(c) for c in rows.iterator(chunk_size=500)),
    )


SUMMARY_HEADERS = [
    gettext_lazy("Categoria"),
    gettext_lazy("Ricevuti"),
    gettext_lazy("Nei confronti dell'MGA"),
    gettext_lazy("Nei confronti di collaboratori"),
    gettext_lazy("Accolti (anche in parte o transatti)"),
    gettext_lazy("Respinti"),
    gettext_lazy("Inoltrati alle compagnie"),
    gettext_lazy("Aperti"),
    gettext_lazy("Giorni medi di risposta"),
]


@capability_required("view_complaints")
def complaint_summary(request):
    """The quarterly summary per category (page, or ?formato=csv|xlsx)."""
    start, end = _period(request)
    summary = selectors.quarterly_summary(request.user, start, end)
    fmt = request.GET.get("formato")
    if fmt in FORMATS:
        return export_response(
            fmt=fmt,
            name=f"reclami-per-categoria-{start:%Y%m%d}-{end:%Y%m%d}",
            headers=[str(h) for h in SUMMARY_HEADERS],
            rows=(
                [
                    row["category"].label,
                    row["received"],
                    row["against_mga"],
                    row["against_collaborators"],
                    row["accepted"],
                    row["rejected"],
                    row["forwarded"],
                    row["open"],
                    row["average_days"],
                ]
                for row in summary
            ),
        )
    previous = selectors.quarter_of(start - datetime.timedelta(days=1))
    following = selectors.quarter_of(end + datetime.timedelta(days=1))
    return render(
        request,
        "complaints/summary.html",
        {
            "summary": summary,
            "start": start,
            "end": end,
            "previous": previous,
            "following": following,
            "total": sum(row["received"] for row in summary),
        },
    )
