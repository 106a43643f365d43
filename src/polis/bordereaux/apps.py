from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from polis.audit.labels import register_audit_actions
from polis.bordereaux.audit import BordereauAudit


class BordereauxConfig(AppConfig):
    name = "polis.bordereaux"
    verbose_name = _("Bordereaux")

    def ready(self):
        register_audit_actions(BordereauAudit)
