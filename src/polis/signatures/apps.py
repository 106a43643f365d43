from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from polis.audit.labels import register_action_labels


class SignaturesConfig(AppConfig):
    name = "polis.signatures"
    verbose_name = _("Firma elettronica avanzata")

    def ready(self):
        register_action_labels(
            {
                "signature.requested": _("Richiesta di firma inviata"),
                "signature.resent": _("Link di firma reinviato"),
                "signature.voided": _("Richiesta di firma annullata"),
                "signature.opened": _("Link di firma aperto dal firmatario"),
                "signature.code_sent": _("Codice di firma inviato"),
                "signature.locked": _("Firma bloccata per troppi codici errati"),
                "signature.signed": _("Documento firmato"),
                "signature.declined": _("Firma rifiutata dal firmatario"),
                "signature.expired": _("Link di firma scaduto"),
            }
        )
