from django.utils.translation import gettext_lazy as _

from polis.audit.labels import AuditActions


class IntegrationAudit(AuditActions):
    """What the API keys and the webhook subscriptions record in the audit log."""

    KEY_CREATED = "api_key.created", _("Chiave API creata")
    KEY_ROTATED = "api_key.rotated", _("Chiave API ruotata")
    KEY_REVOKED = "api_key.revoked", _("Chiave API revocata")
    WEBHOOK_CREATED = "webhook.created", _("Webhook registrato")
    WEBHOOK_DISABLED = "webhook.disabled", _("Webhook disattivato")
    WEBHOOK_ENABLED = "webhook.enabled", _("Webhook riattivato")
    WEBHOOK_REPLAYED = "webhook.replayed", _("Invio webhook ripetuto a mano")
