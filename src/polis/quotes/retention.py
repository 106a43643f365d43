"""The quotes' retention class (registered in `apps.py`, see polis.core.retention).

A quote that never became a practice was not signed by the client: it is no distribution record
of art. 67 Reg. IVASS 40/2018, and is kept only as long as the MGA's own policy says (so it
does not stop an erasure request: no `keeps`).
"""

import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from polis.quotes.models import Quote

TITLE = _("Preventivi non trasformati in pratica")
MONTHS = 24
START_EVENT = _("dalla fine della validità del preventivo")
SOURCE = _("scelta dell'MGA (minimizzazione, art. 5 GDPR)")


def _unconverted() -> QuerySet[Quote]:
    # A quote behind a custom request stays with the request's thread.
    return Quote.objects.filter(
        status=Quote.Status.PRICED, practice__isnull=True, request__isnull=True
    )


def expired_quotes(cutoff: datetime.date, held: frozenset[int]) -> QuerySet[Quote]:
    return _unconverted().filter(valid_until__lt=cutoff).exclude(client_id__in=held)
