from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from polis.audit.labels import register_audit_actions
from polis.messaging.audit import MessagingAudit


class MessagingConfig(AppConfig):
    name = "polis.messaging"
    verbose_name = "Comunicazioni"

    def ready(self):
        register_audit_actions(MessagingAudit)
        from polis.messaging import privacy
        from polis.privacy.registry import register_exporter

        register_exporter(
            "messaging",
            title=_("Comunicazioni"),
            export=privacy.export_client,
        )
