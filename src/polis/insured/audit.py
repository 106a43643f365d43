from django.utils.translation import gettext_lazy as _

from polis.audit.labels import AuditActions


class InsuredAudit(AuditActions):
    """What the insured's link records in the audit log."""

    SENT = "insured_link.sent", _("Link personale inviato all'assicurato")
    REVOKED = "insured_link.revoked", _("Link personale dell'assicurato revocato")
    OPENED = "insured_link.opened", _("Polizza consultata dall'assicurato con il link")
    CODE_SENT = "insured_link.code_sent", _("Codice per rinnovare il link inviato via SMS")
    RENEWED = "insured_link.renewed", _("Link personale rinnovato dall'assicurato")
