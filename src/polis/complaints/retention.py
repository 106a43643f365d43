"""The complaints' part in retention (polis.core.retention): an open complaint is a legal hold
on the records of the client it concerns."""

from django.db.models import Q

from polis.clients.models import Client
from polis.complaints.models import Complaint


def clients_with_open_complaints() -> set[int]:
    """A legal hold: the clients an open complaint concerns, linked to it or named by the
    codice fiscale or partita IVA the complainant gave."""
    open_complaints = Complaint.objects.filter(status__in=Complaint.OPEN)
    held = set(open_complaints.exclude(client=None).values_list("client_id", flat=True))
    codes = set(
        open_complaints.exclude(complainant_tax_code="").values_list(
            "complainant_tax_code", flat=True
        )
    )
    if codes:
        held |= set(
            Client.objects.filter(
                Q(codice_fiscale__in=codes) | Q(partita_iva__in=codes)
            ).values_list("pk", flat=True)
        )
    return held
