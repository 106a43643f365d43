"""The outbox's retention class (registered in `apps.py`, see polis.core.retention)."""

import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from polis.notify.models import OutboundMessage

# The words of a sent message are forgotten after this policy period; who it went to, when and
# through which channel stay, as the evidence of transmission the practices point to (by the
# message's uuid) and keep for their own term (regulatory brief §1.6 and §7).
MESSAGE = {
    "title": _("Testo e allegati dei messaggi inviati (e-mail e SMS)"),
    "months": 24,
    "start_event": _("dall'invio"),
    "source": _("scelta dell'MGA (minimizzazione, art. 5 GDPR)"),
    "unconfirmed": True,
}


def expired_messages(cutoff: datetime.date, held: frozenset[int]) -> QuerySet[OutboundMessage]:
    """The outbox names no client (only an address): a legal hold keeps the client's copies in
    his practices and claims, not here."""
    return (
        OutboundMessage.objects.filter(created_at__date__lt=cutoff)
        .exclude(status=OutboundMessage.Status.PENDING)
        .exclude(body_text="", body_html="", subject="")
    )
