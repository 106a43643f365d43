from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from polis.audit.labels import register_action_labels


class QuotesConfig(AppConfig):
    name = "polis.quotes"
    verbose_name = "Preventivi"

    def ready(self):
        register_action_labels({"quote.priced": _("Preventivo calcolato")})
