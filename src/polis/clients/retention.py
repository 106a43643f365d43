"""The client record's retention class (registered in `apps.py`, see polis.core.retention)."""

import datetime

from django.db.models import Exists, OuterRef, QuerySet
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


def _has(relation: str) -> Exists:
    """Whether a client has a row of another app's table (by its reverse relation, each probe
    one index lookup)."""
    field = Client._meta.get_field(relation)
    return Exists(field.related_model.objects.filter(**{field.field.name: OuterRef("pk")}))


def expired_clients(cutoff: datetime.date, held: frozenset[int]) -> QuerySet[Client]:
    return (
        Client.objects.filter(created_at__date__lt=cutoff)
        .filter(~_has("practices"), ~_has("quotes"), ~_has("claims"), ~_has("privacy_requests"))
        .exclude(last_name=ERASED_NAME)
        .exclude(pk__in=held)
    )
