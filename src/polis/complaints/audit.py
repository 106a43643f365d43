from django.utils.translation import gettext_lazy as _

from polis.audit.labels import AuditActions


class ComplaintAudit(AuditActions):
    """What the complaints register records in the audit log (the moves are
    `complaint.<to>`)."""

    RECEIVED = "complaint.received", _("Reclamo registrato")
    ASSIGNED = "complaint.assigned", _("Reclamo assegnato")
    FORWARDED = "complaint.forwarded", _("Reclamo inoltrato alla compagnia")
    ANSWERED = "complaint.answered", _("Risposta al reclamo inviata")
