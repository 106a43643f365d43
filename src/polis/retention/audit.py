from django.utils.translation import gettext_lazy as _

from polis.audit.labels import AuditActions


class RetentionAudit(AuditActions):
    """What the retention job and the legal holds record in the audit log."""

    PURGED = "retention.purged", _("Scadenze di conservazione applicate")
    HOLD_PLACED = "retention.hold_placed", _("Blocco legale disposto")
    HOLD_RELEASED = "retention.hold_released", _("Blocco legale revocato")
