"""The audit log's retention class (registered in `apps.py`, see polis.core.retention): who did
what stays; the address a person acted from is forgotten (GDPR minimisation)."""

import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from polis.audit.models import AuditEvent

IP_ADDRESS = {
    "title": _("Indirizzi IP nel registro delle attività"),
    "months": 6,
    "start_event": _("dall'evento registrato"),
    "source": _("scelta dell'MGA (minimizzazione, art. 5 GDPR)"),
    "unconfirmed": True,
}


def expired_addresses(cutoff: datetime.date, held: frozenset[int]) -> QuerySet[AuditEvent]:
    """An address is no client's record of a hold: it is forgotten in any case."""
    return AuditEvent.objects.filter(at__date__lt=cutoff, ip_address__isnull=False)
