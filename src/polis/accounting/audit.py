from django.utils.translation import gettext_lazy as _

from polis.audit.labels import AuditActions


class AccountingAudit(AuditActions):
    """What the money side records in the audit log (the moves are `remittance.<to>`,
    `payout.<to>` and `payout_batch.<to>`)."""

    REMITTANCE_PREPARED = "remittance.prepared", _("Rimessa preparata")
    REMITTANCE_PAID = "remittance.paid", _("Rimessa pagata alla compagnia")
    PAYOUT_CREATED = "payout.created", _("Pagamento SEPA da fare")
    PAYOUT_BATCHED = "payout.batched", _("Pagamento SEPA messo in distinta")
    PAYOUT_SENT = "payout.sent", _("Pagamento SEPA inviato")
    BATCH_EXPORTED = "payout_batch.exported", _("Distinta SEPA esportata")
    BATCH_SENT = "payout_batch.sent", _("Distinta SEPA inviata alla banca")
    PAYEE_IBAN_SET = "accounting.payee_iban", _("IBAN per le provvigioni registrato")
