from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from polis.audit.labels import register_audit_actions
from polis.signatures.audit import SignatureAudit


class SignaturesConfig(AppConfig):
    name = "polis.signatures"
    verbose_name = _("Firma elettronica avanzata")

    def ready(self):
        register_audit_actions(SignatureAudit)
