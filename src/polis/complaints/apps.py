from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from polis.audit.labels import register_audit_actions
from polis.complaints.audit import ComplaintAudit


class ComplaintsConfig(AppConfig):
    name = "polis.complaints"
    verbose_name = _("Reclami")

    def ready(self):
        from polis.complaints.retention import clients_with_open_complaints
        from polis.core.retention import register_hold_source

        register_audit_actions(ComplaintAudit)
        register_hold_source("open_complaints", clients_with_open_complaints)
