from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from polis.audit.labels import register_action_labels


class PracticesConfig(AppConfig):
    name = "polis.practices"
    verbose_name = "Pratiche"

    def ready(self):
        register_action_labels(
            {
                "practice.payment_recorded": _("Pagamento registrato"),
                "practice.payment_verified": _("Pagamento verificato"),
                "practice.payment_rejected": _("Pagamento respinto"),
                "practice.in_force": _("Pratica in vigore"),
                "practice.completion_undone": _("Pratica di nuovo in attesa del pagamento"),
                "practice.renewal_created": _("Rinnovo preparato"),
                "practice.renewed": _("Pratica rinnovata"),
                "practice.renewal_undone": _("Rinnovo non perfezionato: pratica non più rinnovata"),
                "practice.expired": _("Pratica scaduta"),
            }
        )
