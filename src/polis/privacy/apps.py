from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from polis.audit.labels import register_audit_actions
from polis.privacy.audit import PrivacyAudit


class PrivacyConfig(AppConfig):
    name = "polis.privacy"
    verbose_name = _("Privacy")

    def ready(self):
        from polis.core.retention import Action, register_record_class
        from polis.privacy import retention, services

        register_audit_actions(PrivacyAudit)
        register_record_class(
            "privacy.request",
            **retention.REQUEST,
            action=Action.DELETE,
            expired=retention.expired_requests,
            purge=services.delete_requests,
        )
