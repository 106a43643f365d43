from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from polis.audit.labels import register_audit_actions
from polis.complaints.audit import ComplaintAudit


class ComplaintsConfig(AppConfig):
    name = "polis.complaints"
    verbose_name = _("Reclami")

    def ready(self):
        register_audit_actions(ComplaintAudit)
