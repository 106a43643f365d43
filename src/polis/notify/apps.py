from django.apps import AppConfig

from polis.audit.labels import register_audit_actions
from polis.notify.audit import OutboxAudit


class NotifyConfig(AppConfig):
    name = "polis.notify"
    verbose_name = "Notifiche"

    def ready(self):
        from polis.core.retention import Action, register_record_class
        from polis.notify import retention, services

        register_audit_actions(OutboxAudit)
        register_record_class(
            "notify.message",
            **retention.MESSAGE,
            action=Action.PSEUDONYMISE,
            expired=retention.expired_messages,
            purge=services.forget_message_texts,
        )
