from django.utils.translation import gettext_lazy as _

from polis.audit.labels import AuditActions


class QuoteAudit(AuditActions):
    """What the quotes services record in the audit log (a move of a quote or a request is
    `quote.<to>` / `quote_request.<to>`)."""

    PRICED = "quote.priced", _("Preventivo calcolato")
    SENT = "quote.sent", _("Preventivo inviato al cliente")
    CONVERTED = "quote.converted", _("Preventivo trasformato in pratica")
    REQUEST_CREATED = "quote_request.created", _("Preventivo personalizzato richiesto")
    REQUEST_OFFERED = "quote_request.offered", _("Offerta dell'MGA")
    REQUEST_DECLINED = "quote_request.declined", _("Rischio non quotabile")
    REQUEST_ACCEPTED = "quote_request.accepted", _("Offerta accettata")
