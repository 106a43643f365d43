from django.utils.translation import gettext_lazy as _

from polis.audit.labels import AuditActions


class SignatureAudit(AuditActions):
    """What the signatures services record in the audit log (a move is `signature.<to>`)."""

    REQUESTED = "signature.requested", _("Richiesta di firma inviata")
    RESENT = "signature.resent", _("Link di firma reinviato")
    VOIDED = "signature.voided", _("Richiesta di firma annullata")
    OPENED = "signature.opened", _("Link di firma aperto dal firmatario")
    CODE_SENT = "signature.code_sent", _("Codice di firma inviato")
    LOCKED = "signature.locked", _("Firma bloccata per troppi codici errati")
    SIGNED = "signature.signed", _("Documento firmato")
    DECLINED = "signature.declined", _("Firma rifiutata dal firmatario")
    EXPIRED = "signature.expired", _("Link di firma scaduto")
