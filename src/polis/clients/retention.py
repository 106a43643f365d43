"""The client record's retention class (registered in `apps.py`, see polis.core.retention)."""

import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from polis.clients.models import Client
from polis.clients.services import ERASED_NAME

# A client is erased once nothing else of his is left: no practice (kept by art. 67 and the
# FEA's term; their answers are forgotten, the rows stay, and so does he), no quote, no claim,
# no request of his in the privacy register. The period runs from his registration.
CLIENT = {
    "title": _("Anagrafica del cliente senza pratiche, preventivi o sinistri"),
    "months": 24,
    "start_event": _("dalla registrazione"),
    "source": _("scelta dell'MGA (minimizzazione, art. 5 GDPR)"),
    "unconfirmed": True,
}


def expired_clients(cutoff: datetime.date, held: frozenset[int]) -> QuerySet[Client]:
    return (
        Client.objects.filter(
            created_at__date__lt=cutoff,
            practices__isnull=True,
            quotes__isnull=True,
            claims__isnull=True,
            privacy_requests__isnull=True,
        )
        .exclude(last_name=ERASED_NAME)
        .exclude(pk__in=held)
    )
