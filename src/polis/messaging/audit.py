from django.utils.translation import gettext_lazy as _

from polis.audit.labels import AuditActions


class MessagingAudit(AuditActions):
    """What the messaging services record in the audit log."""

    THREAD_OPENED = "thread.opened", _("Conversazione aperta")
    MESSAGE_POSTED = "message.posted", _("Messaggio inviato")
    REQUESTS_WITHDRAWN = "thread.requests_withdrawn", _("Richieste ritirate dall'MGA")
