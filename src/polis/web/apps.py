from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from polis.audit.labels import register_action_labels


class WebConfig(AppConfig):
    name = "polis.web"
    verbose_name = "Sito e dashboard"

    def ready(self):
        register_action_labels(
            {
                "contact.received": _("Richiesta di contatto ricevuta"),
                "contact.handled": _("Richiesta di contatto gestita"),
            }
        )
