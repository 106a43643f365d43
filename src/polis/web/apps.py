from django.apps import AppConfig

from polis.audit.labels import register_audit_actions
from polis.web.audit import ContactAudit


class WebConfig(AppConfig):
    name = "polis.web"
    verbose_name = "Sito e dashboard"

    def ready(self):
        register_audit_actions(ContactAudit)
