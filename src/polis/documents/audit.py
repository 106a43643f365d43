from django.utils.translation import gettext_lazy as _

from polis.audit.labels import AuditActions


class DocumentAudit(AuditActions):
    """What the documents services record in the audit log."""

    STORED = "document.stored", _("Documento caricato")
    DOWNLOADED = "document.downloaded", _("Documento aperto")
