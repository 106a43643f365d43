from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from polis.audit.labels import register_audit_actions
from polis.insured.audit import InsuredAudit


class InsuredConfig(AppConfig):
    name = "polis.insured"
    verbose_name = _("Area dell'assicurato")

    def ready(self):
        from polis.insured.services import send_automatic_link
        from polis.practices.registry import add_insured_notice

        add_insured_notice(send_automatic_link)
        register_audit_actions(InsuredAudit)
