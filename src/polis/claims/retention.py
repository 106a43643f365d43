"""The claims' retention class and legal hold (registered in `apps.py`, see
polis.core.retention)."""

import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from polis.claims.models import Claim, Quietanza
from polis.clients.models import Client

# Beyond the prescription (2 years, art. 2952 c.c.; RC suspended while the third party acts):
# the policy choice of 5 years more, as one claims-data source says. No closing date is
# stored, so the period runs from the notice of a claim that has ended.
CLAIM = {
    "title": _("Fascicoli dei sinistri (con i dati sulla salute)"),
    "months": 84,
    "start_event": _("dalla denuncia, a sinistro chiuso (2 anni di prescrizione e 5 oltre)"),
    "source": _("art. 2952 c.c., scelta dell'MGA"),
    "unconfirmed": True,
}
REMOVED = "[rimosso: conservazione scaduta]"
_ENDED = (Claim.Status.CLOSED, Claim.Status.REJECTED, Claim.Status.CLOSED_WITHOUT_PAYMENT)


def expired_claims(cutoff: datetime.date, held: frozenset[int]) -> QuerySet[Claim]:
    return (
        Claim.objects.filter(status__in=_ENDED, reported_on__lt=cutoff)
        .exclude(description=REMOVED)
        .exclude(client_id__in=held)
    )


def client_has_claims(client_id: int, cutoff: datetime.date) -> bool:
    return (
        Claim.objects.filter(client_id=client_id)
        .exclude(status__in=_ENDED, reported_on__lt=cutoff)
        .exists()
    )


def clients_in_dispute() -> QuerySet[Client]:
    """A legal hold: the clients of a claim still open whose quietanza was contested."""
    contested = Quietanza.objects.filter(
        status=Quietanza.Status.REFUSED, claim__status__in=Claim.OPEN
    )
    return Client.objects.filter(pk__in=contested.values("claim__client_id"))
