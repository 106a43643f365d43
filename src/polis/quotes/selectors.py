from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from polis.clients.selectors import portfolio_search
from polis.core.access import MGA_STAFF, can
from polis.quotes.models import Quote, QuoteRequest

if TYPE_CHECKING:
    from polis.accounts.models import User
    from polis.catalog.forms import PortfolioFilterForm


def quotes_visible_to(user: User) -> QuerySet[Quote]:
    quotes = Quote.objects.select_related("client", "product")
    if user.role in MGA_STAFF:
        return quotes.select_related("firm")
    return quotes.filter(firm_id=user.firm_id) if can(user, "work_portfolio") else quotes.none()


def matching(quotes: QuerySet[Quote], query: str, user: User) -> QuerySet[Quote]:
    """Quotes matching every word: quote number, codice fiscale or client name."""
    for word in query.split()[:5]:
        quotes = quotes.filter(portfolio_search(word, number_field="number", user=user))
    return quotes


def search_quotes(user: User, *, query: str = "") -> QuerySet[Quote]:
    return matching(quotes_visible_to(user), query, user).order_by("-created_at", "-pk")


def filtered_quotes(user: User, form: PortfolioFilterForm) -> QuerySet[Quote]:
    """Preventivi: the user's quotes with the list's search, filters and sorting."""
    return form.apply(matching(quotes_visible_to(user), form.value("q") or "", user))


def get_quote_for(user: User, pk: int) -> Quote:
    """404 both for a missing quote and another firm's."""
    return get_object_or_404(quotes_visible_to(user), pk=pk)


def quote_requests_visible_to(user: User) -> QuerySet[QuoteRequest]:
    """Custom quote requests: the firm's own; for MGA staff all, open ones first."""
    requests = QuoteRequest.objects.select_related("client", "product", "firm", "quote")
    if user.role in MGA_STAFF:
        return requests.order_by("status", "created_at")
    if can(user, "work_portfolio"):
        return requests.filter(firm_id=user.firm_id).order_by("-created_at")
    return requests.none()


def get_quote_request_for(user: User, pk: int) -> QuoteRequest:
    return get_object_or_404(quote_requests_visible_to(user), pk=pk)
