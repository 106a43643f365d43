"""The register of data-subject requests as a retention class (registered in `apps.py`, see
polis.core.retention): an answered request is kept as proof of the answer, then deleted."""

import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from polis.privacy.models import DataSubjectRequest

REQUEST = {
    "title": _("Richieste degli interessati e risposte"),
    "months": 60,
    "start_event": _("dalla risposta"),
    "source": _("art. 5(2) GDPR (responsabilizzazione), scelta dell'MGA"),
    "unconfirmed": True,
}


def expired_requests(cutoff: datetime.date, held: frozenset[int]) -> QuerySet[DataSubjectRequest]:
    return DataSubjectRequest.objects.filter(
        status=DataSubjectRequest.Status.ANSWERED, answered_on__lt=cutoff
    ).exclude(client_id__in=held)
