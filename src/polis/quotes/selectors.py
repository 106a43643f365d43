from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from polis.core.access import MGA_STAFF, can
from polis.quotes.models import Quote

STATUS_FILTERS = {"validi", "scaduti", "trasformati"}


def quotes_visible_to(user):
    quotes = Quote.objects.select_related("client", "product")
    if user.role in MGA_STAFF:
        return quotes
    return quotes.filter(firm_id=user.firm_id) if can(user, "work_portfolio") else quotes.none()


def search_quotes(user, *, query: str = "", status: str = "", product: str = ""):
    quotes = quotes_visible_to(user)
    today = timezone.localdate()
    if status == "validi":
        quotes = quotes.filter(status=Quote.Status.PRICED, valid_until__gte=today)
    elif status == "scaduti":
        quotes = quotes.filter(status=Quote.Status.PRICED, valid_until__lt=today)
    elif status == "trasformati":
        quotes = quotes.filter(status=Quote.Status.CONVERTED)
    if product:
        quotes = quotes.filter(product__code=product)
    for word in query.split()[:5]:
        quotes = quotes.filter(
            Q(number__icontains=word)
            | Q(client__last_name__icontains=word)
            | Q(client__company_name__icontains=word)
            | Q(client__codice_fiscale__iexact=word)
        )
    return quotes.order_by("-created_at", "-pk")


def get_quote_for(user, pk: int) -> Quote:
    """404 both for a missing quote and another firm's."""
    return get_object_or_404(quotes_visible_to(user), pk=pk)
