from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from polis.audit.labels import register_action_labels


class QuotesConfig(AppConfig):
    name = "polis.quotes"
    verbose_name = "Preventivi"

    def ready(self):
        from polis.privacy.registry import register_exporter
        from polis.quotes import privacy

        register_action_labels(
            {
                "quote.priced": _("Preventivo calcolato"),
                "quote.sent": _("Preventivo inviato al cliente"),
                "quote.converted": _("Preventivo trasformato in pratica"),
                "quote_request.created": _("Preventivo personalizzato richiesto"),
                "quote_request.offered": _("Offerta dell'MGA"),
                "quote_request.declined": _("Rischio non quotabile"),
                "quote_request.accepted": _("Offerta accettata"),
            }
        )
        register_exporter(
            "quotes",
            title=_("Preventivi"),
            export=privacy.export_client,
        )
