from django.apps import AppConfig

from polis.audit.labels import register_audit_actions
from polis.notify.audit import OutboxAudit


class NotifyConfig(AppConfig):
    name = "polis.notify"
    verbose_name = "Notifiche"

    def ready(self):
        register_audit_actions(OutboxAudit)
