from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from polis.audit.labels import register_audit_actions
from polis.retention.audit import RetentionAudit


class RetentionConfig(AppConfig):
    name = "polis.retention"
    verbose_name = _("Conservazione")

    def ready(self):
        from polis.core.retention import register_hold_source
        from polis.retention.selectors import clients_on_hold

        register_audit_actions(RetentionAudit)
        register_hold_source("legal_holds", clients_on_hold)
