from django.utils.translation import gettext_lazy as _

from polis.audit.labels import AuditActions


class OutboxAudit(AuditActions):
    """What the notify services record in the audit log."""

    RETRY = "outbox.retry", _("Invio ritentato")
