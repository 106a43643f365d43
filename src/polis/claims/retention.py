"""The claims' retention class and legal hold (registered in `apps.py`, see
polis.core.retention)."""

import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from polis.claims.models import Claim, ClaimDocument, Quietanza
from polis.documents.models import StoredFile
from polis.documents.services import delete_files

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


def pseudonymise_claims(claims: QuerySet[Claim]) -> int:
    """Forget what a claim says of the person (the description, often an injury; the place;
    the third parties; the IBAN) and delete the documents uploaded to it. The quietanze, signed
    with the FEA, are signature evidence and stay for their own term."""
    documents = ClaimDocument.objects.filter(claim__in=claims)
    files = list(StoredFile.objects.filter(pk__in=documents.values("file_id")))
    documents.delete()
    delete_files(files)
    return claims.update(description=REMOVED, place="", third_parties="", payee_iban="")


def client_has_claims(client_id: int, cutoff: datetime.date) -> bool:
    return (
        Claim.objects.filter(client_id=client_id)
        .exclude(status__in=_ENDED, reported_on__lt=cutoff)
        .exists()
    )


def clients_in_dispute() -> set[int]:
    """A legal hold: the clients of a claim still open whose quietanza was contested."""
    return set(
        Quietanza.objects.filter(
            status=Quietanza.Status.REFUSED, claim__status__in=Claim.OPEN
        ).values_list("claim__client_id", flat=True)
    )
