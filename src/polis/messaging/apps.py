from django.apps import AppConfig

from polis.audit.labels import register_audit_actions
from polis.messaging.audit import MessagingAudit


class MessagingConfig(AppConfig):
    name = "polis.messaging"
    verbose_name = "Comunicazioni"

    def ready(self):
        register_audit_actions(MessagingAudit)
