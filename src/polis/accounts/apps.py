from django.apps import AppConfig

from polis.accounts.audit import AccountAudit
from polis.audit.labels import register_audit_actions


class AccountsConfig(AppConfig):
    name = "polis.accounts"
    verbose_name = "Utenti e agenzie"

    def ready(self):
        from polis.accounts.selectors import firm_emails, role_emails
        from polis.notify.recipients import register_directory

        register_directory(firm_emails=firm_emails, role_emails=role_emails)
        register_audit_actions(AccountAudit)
