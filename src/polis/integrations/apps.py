from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from polis.audit.labels import register_audit_actions
from polis.integrations.audit import IntegrationAudit


class IntegrationsConfig(AppConfig):
    name = "polis.integrations"
    verbose_name = _("Integrazioni")

    def ready(self):
        from polis.audit.services import register_audit_observer
        from polis.integrations.services.webhooks import emit_for_audit

        register_audit_actions(IntegrationAudit)
        register_audit_observer(emit_for_audit)
