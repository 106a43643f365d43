from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from polis.audit.labels import register_action_labels


class InsuredConfig(AppConfig):
    name = "polis.insured"
    verbose_name = _("Area dell'assicurato")

    def ready(self):
        from polis.insured.services import send_automatic_link
        from polis.practices.registry import add_insured_notice

        add_insured_notice(send_automatic_link)
        register_action_labels(
            {
                "insured_link.sent": _("Link personale inviato all'assicurato"),
                "insured_link.revoked": _("Link personale dell'assicurato revocato"),
                "insured_link.opened": _("Polizza consultata dall'assicurato con il link"),
                "insured_link.code_sent": _("Codice per rinnovare il link inviato via SMS"),
                "insured_link.renewed": _("Link personale rinnovato dall'assicurato"),
            }
        )
