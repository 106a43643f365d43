from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from polis.audit.labels import register_action_labels


class PrivacyConfig(AppConfig):
    name = "polis.privacy"
    verbose_name = _("Privacy")

    def ready(self):
        register_action_labels(
            {
                "privacy_request.received": _("Richiesta dell'interessato registrata"),
                "privacy_request.extended": _("Termine di risposta prorogato"),
                "privacy_request.exported": _("Esportazione dei dati preparata e inviata"),
                "privacy_request.answered": _("Richiesta dell'interessato evasa"),
                "privacy_export.downloaded": _("Esportazione dei dati scaricata"),
            }
        )
