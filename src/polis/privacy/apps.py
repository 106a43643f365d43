from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from polis.audit.labels import register_audit_actions
from polis.privacy.audit import PrivacyAudit


class PrivacyConfig(AppConfig):
    name = "polis.privacy"
    verbose_name = _("Privacy")

    def ready(self):
        register_audit_actions(PrivacyAudit)
