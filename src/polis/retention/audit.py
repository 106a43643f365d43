from django.utils.translation import gettext_lazy as _

from polis.audit.labels import AuditActions


class RetentionAudit(AuditActions):
    """What the retention job and the legal holds record in the audit log."""

    PURGED = "retention.purged", _("Scadenze di conservazione applicate")
    HOLD_PLACED = "legal_hold.placed", _("Blocco legale disposto")
    HOLD_RELEASED = "legal_hold.released", _("Blocco legale revocato")
