from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from polis.audit.labels import register_action_labels


class AuditConfig(AppConfig):
    name = "polis.audit"
    verbose_name = "Registro attività"

    def ready(self):
        register_action_labels(
            {
                "document.stored": _("Documento caricato"),
                "document.downloaded": _("Documento aperto"),
                "outbox.retry": _("Invio ritentato"),
            }
        )
