from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from polis.audit.labels import register_audit_actions
from polis.quotes.audit import QuoteAudit


class QuotesConfig(AppConfig):
    name = "polis.quotes"
    verbose_name = "Preventivi"

    def ready(self):
        register_audit_actions(QuoteAudit)
        from polis.core.retention import Action, register_record_class
        from polis.privacy.registry import register_exporter
        from polis.quotes import privacy, retention, services

        register_exporter(
            "quotes",
            title=_("Preventivi"),
            export=privacy.export_client,
        )
        register_record_class(
            "quotes.quote",
            title=retention.TITLE,
            months=retention.MONTHS,
            start_event=retention.START_EVENT,
            source=retention.SOURCE,
            unconfirmed=True,
            action=Action.DELETE,
            expired=retention.expired_quotes,
            purge=services.delete_quotes,
        )
