from django.utils.translation import gettext_lazy as _

from polis.audit.labels import AuditActions


class PracticeAudit(AuditActions):
    """What the practices services record in the audit log (a move of a practice without a
    name of its own is `practice.<to>`)."""

    CREATED = "practice.created", _("Pratica creata")
    EXPIRING = "practice.expiring", _("Pratica in scadenza: promemoria inviato all'agenzia")
    NEEDS_RECORDED = "practice.needs_recorded", _("Esigenze e bisogni del cliente registrati")
    DOCUMENTS_ADDED = "practice.documents_added", _("Documenti aggiunti alla pratica")
    SUBMITTED = "practice.submitted", _("Pratica inviata in revisione all'MGA")
    INFO_REQUESTED = "practice.info_requested", _("Informazioni richieste all'agenzia")
    INFO_ANSWERED = (
        "practice.info_answered",
        _("L'agenzia ha risposto: pratica di nuovo in revisione"),
    )
    DECLINED = "practice.declined", _("Pratica rifiutata dall'MGA")
    ISSUED = "practice.issued", _("Polizza emessa")
    # The lifecycle's move to "cancelled": the bordereaux date a cancellation by it.
    CANCELLED = "practice.cancelled", _("Pratica annullata")
    DISCLOSURES_SENT = (
        "practice.disclosures_sent",
        _("Documenti precontrattuali inviati al cliente"),
    )
    DISCLOSURES_PREPARED = "practice.disclosures_prepared", _("Documenti precontrattuali preparati")
    DISCLOSURES_DELIVERED = (
        "practice.disclosures_delivered",
        _("Documenti precontrattuali consegnati"),
    )
    DISCLOSURES_ACKNOWLEDGED = (
        "practice.disclosures_acknowledged",
        _("Il cliente ha dichiarato di aver ricevuto e letto i documenti precontrattuali"),
    )
    SENT_FOR_SIGNATURE = "practice.sent_for_signature", _("Contratto inviato in firma")
    SIGNED = "practice.signed", _("Contratto firmato dal cliente")
    SIGNATURE_CLOSED = "practice.signature_closed", _("Firma del contratto non completata")
    PAYMENT_RECORDED = "practice.payment_recorded", _("Pagamento registrato")
    PAYMENT_VERIFIED = "practice.payment_verified", _("Pagamento verificato")
    PAYMENT_REJECTED = "practice.payment_rejected", _("Pagamento respinto")
    COMPLETED = "practice.completed", _("Pratica perfezionata: decorre dalla data di effetto")
    IN_FORCE = "practice.in_force", _("Pratica in vigore")
    COMPLETION_UNDONE = "practice.completion_undone", _("Pratica di nuovo in attesa del pagamento")
    RENEWAL_CREATED = "practice.renewal_created", _("Rinnovo preparato")
    RENEWAL_CHANGED = (
        "practice.renewal_changed",
        _("Questionario del rinnovo modificato e ricalcolato"),
    )
    RENEWED = "practice.renewed", _("Pratica rinnovata")
    RENEWAL_UNDONE = (
        "practice.renewal_undone",
        _("Rinnovo non perfezionato: pratica non più rinnovata"),
    )
    EXPIRED = "practice.expired", _("Pratica scaduta")


class EndorsementAudit(AuditActions):
    """What the variazioni services record (a move without a name of its own is
    `endorsement.<to>`)."""

    REQUESTED = "endorsement.requested", _("Variazione di polizza richiesta e ricalcolata")
    CHANGED = "endorsement.changed", _("Variazione di polizza modificata e ricalcolata")
    IN_REVIEW = "endorsement.in_review", _("Variazione inviata in revisione all'MGA")
    TO_SIGN = "endorsement.to_sign", _("Appendice di variazione emessa")
    SIGNING = "endorsement.signing", _("Appendice di variazione inviata in firma")
    SIGNATURE_CLOSED = (
        "endorsement.signature_closed",
        _("Firma dell'appendice non completata"),
    )
    EFFECTIVE = "endorsement.effective", _("Appendice firmata: variazione efficace")
    REFUSED = "endorsement.refused", _("Variazione rifiutata dall'MGA")
    WITHDRAWN = "endorsement.withdrawn", _("Variazione ritirata")
    REFUND_REQUESTED = (
        "endorsement.refund_requested",
        _("Rimborso della variazione chiesto con l'IBAN del cliente"),
    )
