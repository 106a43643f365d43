from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from polis.audit.labels import register_action_labels


class MessagingConfig(AppConfig):
    name = "polis.messaging"
    verbose_name = "Comunicazioni"

    def ready(self):
        from polis.messaging import privacy
        from polis.privacy.registry import register_exporter

        register_action_labels(
            {
                "thread.opened": _("Conversazione aperta"),
                "message.posted": _("Messaggio inviato"),
                "thread.requests_withdrawn": _("Richieste ritirate dall'MGA"),
            }
        )
        register_exporter(
            "messaging",
            title=_("Comunicazioni"),
            export=privacy.export_client,
        )
