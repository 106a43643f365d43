from django.utils.translation import gettext_lazy as _

from polis.audit.labels import AuditActions


class PrivacyAudit(AuditActions):
    """What the data-subject requests record in the audit log (the moves are
    `privacy_request.<to>`)."""

    RECEIVED = "privacy_request.received", _("Richiesta dell'interessato registrata")
    EXTENDED = "privacy_request.extended", _("Termine di risposta prorogato")
    EXPORTED = "privacy_request.exported", _("Esportazione dei dati preparata e inviata")
    ANSWERED = "privacy_request.answered", _("Richiesta dell'interessato evasa")
    DOWNLOADED = "privacy_export.downloaded", _("Esportazione dei dati scaricata")
