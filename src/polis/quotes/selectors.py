from django.db.models import Q
from django.shortcuts import get_object_or_404

from polis.core.access import MGA_STAFF, can
from polis.quotes.models import Quote


def quotes_visible_to(user):
    quotes = Quote.objects.select_related("client", "product")
    if user.role in MGA_STAFF:
        return quotes.select_related("firm")
    return quotes.filter(firm_id=user.firm_id) if can(user, "work_portfolio") else quotes.none()


def matching(quotes, query: str):
    """Quotes matching every word: number (prefix, indexed), codice fiscale or partita IVA
    (exact), or the client's name."""
    for word in query.split()[:5]:
        quotes = quotes.filter(
            Q(number__startswith=word.upper())
            | Q(client__codice_fiscale=word.upper())
            | Q(client__partita_iva=word)
            | Q(client__last_name__icontains=word)
            | Q(client__first_name__icontains=word)
            | Q(client__company_name__icontains=word)
        )
    return quotes


def search_quotes(user, *, query: str = ""):
    return matching(quotes_visible_to(user), query).order_by("-created_at", "-pk")


def filtered_quotes(user, form):
    """Preventivi: the user's quotes with the list's search, filters and sorting."""
    return form.apply(matching(quotes_visible_to(user), form.value("q") or ""))


def get_quote_for(user, pk: int) -> Quote:
    """404 both for a missing quote and another firm's."""
    return get_object_or_404(quotes_visible_to(user), pk=pk)
