from django.utils.translation import gettext_lazy as _

from polis.audit.labels import AuditActions


class AccountAudit(AuditActions):
    """What the accounts services record in the audit log."""

    FIRM_REGISTERED = "firm.registered", _("Registrazione inviata")
    FIRM_APPROVED = "firm.approved", _("Agenzia approvata")
    FIRM_REJECTED = "firm.rejected", _("Registrazione respinta")
    USER_INVITED = "user.invited", _("Collega invitato")
    TWO_FACTOR_ENABLED = "user.2fa_enabled", _("Verifica in due passaggi attivata")
    TWO_FACTOR_REPLACED = "user.2fa_replaced", _("App di autenticazione sostituita")
    TWO_FACTOR_DISABLED = "user.2fa_disabled", _("Verifica in due passaggi disattivata")
    FIRM_TWO_FACTOR_REQUIRED = "firm.2fa_required", _("Verifica in due passaggi resa obbligatoria")
    FIRM_TWO_FACTOR_OPTIONAL = "firm.2fa_optional", _("Verifica in due passaggi resa facoltativa")
