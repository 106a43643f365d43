from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from polis.audit.labels import register_action_labels


class AccountsConfig(AppConfig):
    name = "polis.accounts"
    verbose_name = "Utenti e agenzie"

    def ready(self):
        from polis.accounts.selectors import firm_emails, role_emails
        from polis.notify.recipients import register_directory

        register_directory(firm_emails=firm_emails, role_emails=role_emails)
        register_action_labels(
            {
                "firm.registered": _("Registrazione inviata"),
                "firm.approved": _("Agenzia approvata"),
                "firm.rejected": _("Registrazione respinta"),
                "user.invited": _("Collega invitato"),
                "user.2fa_enabled": _("Verifica in due passaggi attivata"),
                "user.2fa_replaced": _("App di autenticazione sostituita"),
                "user.2fa_disabled": _("Verifica in due passaggi disattivata"),
                "firm.2fa_required": _("Verifica in due passaggi resa obbligatoria"),
                "firm.2fa_optional": _("Verifica in due passaggi resa facoltativa"),
            }
        )
