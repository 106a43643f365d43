from django.apps import AppConfig

from polis.audit.labels import register_audit_actions
from polis.documents.audit import DocumentAudit


class DocumentsConfig(AppConfig):
    name = "polis.documents"
    verbose_name = "Documenti"

    def ready(self):
        register_audit_actions(DocumentAudit)
