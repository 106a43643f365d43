from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from polis.audit.labels import register_action_labels


class ClientsConfig(AppConfig):
    name = "polis.clients"
    verbose_name = "Clienti"

    def ready(self):
        register_action_labels(
            {
                "client.created": _("Cliente creato"),
                "client.updated": _("Dati del cliente aggiornati"),
                "client.erased": _("Dati del cliente cancellati su sua richiesta"),
                "client.restricted": _("Trattamento dei dati del cliente limitato"),
                "client.marketing_withdrawn": _("Consenso alle comunicazioni commerciali revocato"),
            }
        )
