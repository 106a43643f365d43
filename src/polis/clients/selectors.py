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
