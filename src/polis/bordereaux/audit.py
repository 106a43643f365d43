from django.utils.translation import gettext_lazy as _

from polis.audit.labels import AuditActions


class BordereauAudit(AuditActions):
    """What the bordereaux record in the audit log: each generation (the monthly job's or an
    operator's), whatever status it leaves, and each download."""

    GENERATED = "bordereau.generated", _("Bordereau generato")
    DOWNLOADED = "bordereau.downloaded", _("Bordereau scaricato")
