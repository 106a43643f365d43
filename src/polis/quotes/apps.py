from django.apps import AppConfig

from polis.audit.labels import register_audit_actions
from polis.quotes.audit import QuoteAudit


class QuotesConfig(AppConfig):
    name = "polis.quotes"
    verbose_name = "Preventivi"

    def ready(self):
        register_audit_actions(QuoteAudit)
