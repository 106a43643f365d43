from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from polis.clients.models import Client
from polis.core.access import MGA_STAFF, can
from polis.core.search import matching_keys

if TYPE_CHECKING:
    from polis.accounts.models import User


def clients_visible_to(user: User) -> QuerySet[Client]:
    if user.role in MGA_STAFF:
        return Client.objects.select_related("firm")
    if can(user, "work_portfolio"):
        return Client.objects.filter(firm_id=user.firm_id)
    return Client.objects.none()


def search_clients(user: User, query: str = "") -> QuerySet[Client]:
    clients = clients_visible_to(user)
    for word in query.split()[:5]:
        clients = clients.filter(client_matches(word))
    return clients.order_by("last_name", "first_name", "company_name", "pk")


def client_matches(word: str) -> Q:
    """One typed word against a client: part of the name or of the codice fiscale, or the
    partita IVA. On PostgreSQL each of these is one trigram index scan (core/search.py)."""
    query = (
        Q(last_name__icontains=word)
        | Q(first_name__icontains=word)
        | Q(company_name__icontains=word)
        | Q(codice_fiscale__icontains=word)
    )
    return query | Q(partita_iva=word) if word.isdigit() else query


def get_client_for(user: User, pk: int) -> Client:
    """404 both for a missing client and for another firm's."""
    return get_object_or_404(clients_visible_to(user), pk=pk)


_TAX_ID = re.compile(r"[A-Z0-9]{16}|\d{11}")
# A whole policy, quote or claim number (RCP-2026-000123): one row of its unique index.
WHOLE_NUMBER = re.compile(r"[A-Z]{2,5}-\d{4}-\d{6}")


def searchable_clients(user: User) -> QuerySet[Client]:
    """The clients a user's search may designate: a firm's own for its collaborators (so the
    planner starts from a few hundred clients, not every firm's), all for the MGA's staff, whose
    lists are restricted otherwise."""
    return Client.objects.filter(firm_id=user.firm_id) if user.firm_id else Client.objects.all()


def designated_clients(field: str, clients: QuerySet[Client], user: User) -> Q:
    """`field` among the clients a word designates: a firm's few as literal keys (its own client
    index then serves the outer list), the MGA's thousands as a subquery."""
    if user.firm_id:
        return matching_keys(field, clients)
    return Q(**{f"{field}__in": clients.values("pk")})


def clients_for_word(word: str, within: QuerySet[Client]) -> QuerySet[Client] | None:
    """The clients one typed word designates in a portfolio search, or None when the word is
    part of a policy, quote or claim number. Read the way people type, so that each form is
    served by its own index:
    - a whole codice fiscale or partita IVA finds its client exactly;
    - digits, or a word with a dash and digits, are part of a number (RCP-2026-000123, 000123);
    - letters and digits without a dash are part of a codice fiscale (RSSMRA85);
    - anything else is part of the client's name or codice fiscale."""
    upper = word.upper()
    if _TAX_ID.fullmatch(upper):
        return within.filter(Q(codice_fiscale=upper) | Q(partita_iva=upper))
    if upper.isdigit() or ("-" in upper and any(char.isdigit() for char in upper)):
        return None
    if any(char.isdigit() for char in upper):
        return within.filter(codice_fiscale__icontains=upper)
    return within.filter(client_matches(word))


def portfolio_search(word: str, *, number_field: str, user: User) -> Q:
    """One word typed in the search of a portfolio list (practices, quotes): part of the
    number, or the user's clients it designates (`clients_for_word`)."""
    clients = clients_for_word(word, searchable_clients(user))
    if clients is None:
        upper = word.upper()
        lookup = "exact" if WHOLE_NUMBER.fullmatch(upper) else "icontains"
        return Q(**{f"{number_field}__{lookup}": upper})
    return designated_clients("client_id", clients, user)
