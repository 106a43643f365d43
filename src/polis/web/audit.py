from django.utils.translation import gettext_lazy as _

from polis.audit.labels import AuditActions


class ContactAudit(AuditActions):
    """What the web services record in the audit log."""

    RECEIVED = "contact.received", _("Richiesta di contatto ricevuta")
    HANDLED = "contact.handled", _("Richiesta di contatto gestita")
