from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from polis.accounting.audit import AccountingAudit
from polis.audit.labels import register_audit_actions


class AccountingConfig(AppConfig):
    name = "polis.accounting"
    verbose_name = _("Contabilità")

    def ready(self):
        register_audit_actions(AccountingAudit)
