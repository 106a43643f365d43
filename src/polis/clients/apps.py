from django.apps import AppConfig

from polis.audit.labels import register_audit_actions
from polis.clients.audit import ClientAudit


class ClientsConfig(AppConfig):
    name = "polis.clients"
    verbose_name = "Clienti"

    def ready(self):
        from polis.clients import retention, services
        from polis.core.retention import Action, register_record_class

        register_audit_actions(ClientAudit)
        register_record_class(
            "clients.client",
            **retention.CLIENT,
            action=Action.PSEUDONYMISE,
            expired=retention.expired_clients,
            purge=services.erase_forgotten_clients,
        )
