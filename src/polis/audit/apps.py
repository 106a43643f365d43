from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "polis.audit"
    verbose_name = "Registro attività"

    def ready(self):
        from polis.audit import retention, services
        from polis.core.retention import Action, register_record_class

        register_record_class(
            "audit.ip_address",
            **retention.IP_ADDRESS,
            action=Action.PSEUDONYMISE,
            expired=retention.expired_addresses,
            purge=services.forget_addresses,
        )
