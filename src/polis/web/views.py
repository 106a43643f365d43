from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from polis.claims import selectors as claims
from polis.complaints.selectors import complaints_due
from polis.core.access import ADJUSTER, can, capability_required
from polis.core.errors import DomainError
from polis.core.http import client_ip
from polis.core.pagecache import cached_page
from polis.core.ratelimit import over_limit
from polis.messaging.selectors import threads_visible_to
from polis.practices.forms import ExpiringFilterForm
from polis.practices.selectors import (
    as_rows,
    endorsements_with_money_due,
    expiring_practices,
    payments_to_verify,
    starting_practices,
)
from polis.privacy.selectors import overdue_requests
from polis.web import figures, selectors, services
from polis.web.forms import ContactForm
from polis.web.navigation import DASHBOARD_TILES, actions_for


def health(request):
    """Liveness for load balancers, and the "bare view" the throughput benchmark compares with."""
    return HttpResponse("ok", content_type="text/plain")


@cached_page
def home(request):
    return render(request, "web/home.html")


@cached_page
def faq(request):
    query = request.GET.get("q", "").strip()[:100]
    html = selectors.faq_entries_html(query=query)
    if request.htmx:
        return HttpResponse(html)
    return render(request, "web/faq.html", {"entries_html": html, "query": query})


@require_http_methods(["GET", "POST"])
@cached_page
def contact(request):
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if over_limit(request, group="contact", key=client_ip(request), rate=settings.CONTACT_RATE):
            form.add_error(None, _("Hai inviato troppi messaggi. Riprova più tardi."))
        else:
            if not form.is_spam():
                services.submit_contact_request(data=form.contact_data())
            return redirect("web:contact_done")
    return render(request, "web/contact.html", {"form": form})


@cached_page
def contact_done(request):
    return render(request, "web/contact_done.html")


@cached_page
def privacy(request):
    """The privacy notice of the website's contact form."""
    return render(request, "web/privacy.html", {"mga_address": settings.MGA_ADDRESS})


@capability_required("use_dashboard")
@cached_page
def dashboard(request):
    context = {
        "tiles": actions_for(request.user, DASHBOARD_TILES),
        "requests_to_answer": threads_visible_to(request.user).filter(open_requests__gt=0)[:5]
        if can(request.user, "work_portfolio")
        else [],
    }
    if can(request.user, "work_portfolio"):
        expiring = expiring_practices(request.user, ExpiringFilterForm())
        context["expiring_soon"] = as_rows(expiring)[:5]
        context["starting_soon"] = as_rows(starting_practices(request.user))[:5]
        # the premium of a variazione to collect, or its refund to ask (the client's IBAN)
        context["endorsements_due"] = list(endorsements_with_money_due(request.user)[:5])
        context["figures"] = figures.portfolio_figures(request.user)
    if can(request.user, "review_practices"):
        context["payments_to_verify"] = payments_to_verify().count()
        context["operations"] = figures.operator_figures(request.user)
    if can(request.user, "handle_claims"):
        context["overview"] = claims.recent_sla_overview()
    if request.user.role == ADJUSTER:
        context["assigned_claims"] = claims.assigned_open_claims(request.user)
    if can(request.user, "handle_privacy_requests"):
        context["privacy_overdue"] = list(overdue_requests(request.user).order_by("due_on")[:5])
    if can(request.user, "handle_complaints"):
        context["complaints_due"] = list(complaints_due(request.user)[:5])
    if can(request.user, "review_firms"):
        context.update(selectors.operator_overview())
        context["open_contacts_list"] = selectors.contact_requests(open_only=True)[:5]
    return render(request, "web/dashboard.html", context)


@capability_required("view_contact_requests")
def contact_requests(request):
    open_only = request.GET.get("tutte") is None
    page = Paginator(selectors.contact_requests(open_only=open_only), 25).get_page(
        request.GET.get("pagina")
    )
    return render(request, "web/contact_requests.html", {"page": page, "open_only": open_only})


@capability_required("view_contact_requests")
@require_POST
def contact_request_handled(request, pk: int):
    contact = selectors.get_contact_request(pk)
    try:
        services.mark_contact_handled(actor=request.user, contact=contact)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Richiesta segnata come gestita."))
    return redirect("web:contact_requests")
