from django.apps import AppConfig

from polis.audit.labels import register_audit_actions
from polis.clients.audit import ClientAudit


class ClientsConfig(AppConfig):
    name = "polis.clients"
    verbose_name = "Clienti"

    def ready(self):
        register_audit_actions(ClientAudit)
