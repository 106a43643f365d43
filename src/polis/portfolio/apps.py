from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from polis.audit.labels import register_audit_actions
from polis.portfolio.audit import PortfolioAudit


class PortfolioConfig(AppConfig):
    name = "polis.portfolio"
    verbose_name = _("Importazione del portafoglio")

    def ready(self):
        register_audit_actions(PortfolioAudit)
