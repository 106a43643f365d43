import re

from django.db.models import Q
from django.shortcuts import get_object_or_404

from polis.clients.models import Client
from polis.core.access import MGA_STAFF, can


def clients_visible_to(user):
    if user.role in MGA_STAFF:
        return Client.objects.select_related("firm")
    if can(user, "work_portfolio"):
        return Client.objects.filter(firm_id=user.firm_id)
    return Client.objects.none()


def search_clients(user, query: str = ""):
    clients = clients_visible_to(user)
    for word in query.split()[:5]:
        clients = clients.filter(
            Q(last_name__icontains=word)
            | Q(first_name__icontains=word)
            | Q(company_name__icontains=word)
            | Q(codice_fiscale__iexact=word)
            | Q(partita_iva=word)
        )
    return clients.order_by("last_name", "first_name", "company_name", "pk")


def get_client_for(user, pk: int) -> Client:
    """404 both for a missing client and for another firm's."""
    return get_object_or_404(clients_visible_to(user), pk=pk)


_TAX_ID = re.compile(r"[A-Z0-9]{16}|\d{11}")


def portfolio_search(word: str, *, number_field: str) -> Q:
    """One word typed in the search of a portfolio list (practices, quotes), read the way people
    type it, so that each form uses one index: a codice fiscale or partita IVA finds its client
    exactly, a word with digits is the start of a policy or quote number, anything else is part of
    the client's name."""
    upper = word.upper()
    if _TAX_ID.fullmatch(upper):
        clients = Client.objects.filter(Q(codice_fiscale=upper) | Q(partita_iva=upper))
    elif any(char.isdigit() for char in word):
        return Q(**{f"{number_field}__startswith": upper})
    else:
        clients = Client.objects.filter(
            Q(last_name__icontains=word)
            | Q(first_name__icontains=word)
            | Q(company_name__icontains=word)
        )
    return Q(client__in=clients.values("pk"))
