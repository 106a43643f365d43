from django.utils.translation import gettext_lazy as _

from polis.audit.labels import AuditActions


class ClientAudit(AuditActions):
    """What the clients services record in the audit log."""

    CREATED = "client.created", _("Cliente creato")
    UPDATED = "client.updated", _("Dati del cliente aggiornati")
    ERASED = "client.erased", _("Dati del cliente cancellati su sua richiesta")
    RESTRICTED = "client.restricted", _("Trattamento dei dati del cliente limitato")
    MARKETING_WITHDRAWN = (
        "client.marketing_withdrawn",
        _("Consenso alle comunicazioni commerciali revocato"),
    )
