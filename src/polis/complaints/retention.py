"""The complaints' part in retention (polis.core.retention): an open complaint is a legal hold
on the records of the client it concerns."""

from django.db.models import Q, QuerySet

from polis.clients.models import Client
from polis.complaints.models import Complaint


def clients_with_open_complaints() -> QuerySet[Client]:
    """A legal hold: the clients an open complaint concerns, linked to it or named by the
    codice fiscale or partita IVA the complainant gave."""
    open_complaints = Complaint.objects.filter(status__in=Complaint.OPEN)
    codes = open_complaints.exclude(complainant_tax_code="").values("complainant_tax_code")
    return Client.objects.filter(
        Q(pk__in=open_complaints.values("client_id"))
        | Q(codice_fiscale__in=codes)
        | Q(partita_iva__in=codes)
    )
