from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from polis.audit.labels import register_audit_actions
from polis.quotes.audit import QuoteAudit


class QuotesConfig(AppConfig):
    name = "polis.quotes"
    verbose_name = "Preventivi"

    def ready(self):
        register_audit_actions(QuoteAudit)
        from polis.privacy.registry import register_exporter
        from polis.quotes import privacy

        register_exporter(
            "quotes",
            title=_("Preventivi"),
            export=privacy.export_client,
        )
