"""The money's double-entry ledger (issue #23 §1): accounts, transactions and their legs.

A transaction's legs sum to zero (debit positive, credit negative). The database enforces it
(migration 0002's triggers, on SQLite and PostgreSQL): a transaction row is checked against its
legs when inserted, no leg joins a transaction already inserted, and a leg is never changed. The
service (`services.post`) inserts the legs first and the transaction last; the legs' foreign
key is checked at commit, so no leg outlives a transaction that was refused. Nothing here is a
running total updated by the code: a balance is the sum of an account's legs, read from their
`DayTotal`s, which the database keeps in the same transaction as the legs (migration 0003).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polis.lifecycle import Lifecycle


class Account(models.Model):
    class Kind(models.TextChoices):
        # Premiums and claim monies (art. 117 CAP): the insurers' money, apart from the MGA's.
        SEPARATE = "separate", _("Conto separato")
        OPERATING = "operating", _("Conto operativo dell'MGA")
        INSURER = "insurer", _("Dovuto alla compagnia")
        # The premium tax in what was collected (L. 1216/1961): the insurer owes it, and is
        # remitted it with the premium.
        PREMIUM_TAX = "premium_tax", _("Imposte sui premi, dovute alla compagnia")
        # The MGA's own commission from the insurer, less the collaborator's paid out of it.
        MGA_COMMISSION = "mga_income", _("Provvigioni dell'MGA (quota trattenuta)")
        COMMISSIONS = "commissions", _("Provvigioni dovute al collaboratore")
        CLAIMS_PAYABLE = "claims", _("Sinistri da pagare")
        WITHHOLDING = "withholding", _("Ritenute d'acconto da versare")

    kind = models.CharField(_("tipo"), max_length=12, choices=Kind.choices)
    insurer = models.ForeignKey(
        "catalog.Insurer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    firm = models.ForeignKey(
        "accounts.Firm", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Where a payout to this account's holder goes (a firm's commissions).
    iban = models.CharField(_("IBAN per i pagamenti"), max_length=34, blank=True)

    class Meta:
        verbose_name = _("conto")
        verbose_name_plural = _("conti")
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(insurer__isnull=True, firm__isnull=True),
                name="account_mga_unique",
            ),
            models.UniqueConstraint(
                fields=["kind", "insurer"],
                condition=models.Q(insurer__isnull=False),
                name="account_insurer_unique",
            ),
            models.UniqueConstraint(
                fields=["kind", "firm"],
                condition=models.Q(firm__isnull=False),
                name="account_firm_unique",
            ),
        ]

    def __str__(self) -> str:
        holder = self.insurer or self.firm
        return f"{self.get_kind_display()} – {holder}" if holder else self.get_kind_display()


class Remittance(models.Model):
    """A rimessa: what an insurer is due for a period (its estratto conto), paid by the MGA."""

    class Status(models.TextChoices):
        TO_PAY = "to_pay", _("Da pagare")
        PAID = "paid", _("Pagata")

    insurer = models.ForeignKey("catalog.Insurer", on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(_("dal"))
    period_end = models.DateField(_("al"))
    due_on = models.DateField(_("scadenza"))
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.TO_PAY)
    lifecycle = Lifecycle(
        {Status.TO_PAY: {Status.PAID}, Status.PAID: set()},
        noun=_("La rimessa"),
        audit="remittance",
    )
    bank_reference = models.CharField(_("riferimento del bonifico"), max_length=35, blank=True)
    paid_on = models.DateField(_("pagata il"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("rimessa")
        verbose_name_plural = _("rimesse")
        indexes = [models.Index(fields=["status", "due_on"], name="remittance_status_due")]

    def __str__(self) -> str:
        return f"R-{self.pk:06d}"


class Transaction(models.Model):
    class Kind(models.TextChoices):
        PREMIUM = "premium", _("Premio incassato")
        REFUND = "refund", _("Rimborso di premio")
        CLAIM = "claim", _("Sinistro liquidato")
        REMITTANCE = "remittance", _("Rimessa alla compagnia")
        CLAIM_PAID = "claim_paid", _("Indennizzo pagato")
        COMMISSION_PAID = "commission_paid", _("Provvigioni pagate")

    # The legs name it before it is inserted (see the module's docstring).
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("tipo"), max_length=16, choices=Kind.choices)
    date = models.DateField(_("data valuta"))
    # What caused it, by kind, key and number: no foreign key up to practices or claims.
    subject_kind = models.CharField(max_length=20)
    subject_id = models.PositiveBigIntegerField()
    reference = models.CharField(_("riferimento"), max_length=100)
    practice_id = models.PositiveBigIntegerField(null=True, blank=True)
    insurer = models.ForeignKey(
        "catalog.Insurer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    firm = models.ForeignKey(
        "accounts.Firm", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The remittance that paid the insurer what this transaction owed it (empty: not yet).
    remittance = models.ForeignKey(
        Remittance, null=True, blank=True, on_delete=models.PROTECT, related_name="transactions"
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    posted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("movimento")
        verbose_name_plural = _("movimenti")
        indexes = [
            models.Index(fields=["-date", "-posted_at"], name="txn_date"),
            # The estratto conto and reconciliation: an insurer's transactions not yet remitted.
            models.Index(fields=["insurer", "remittance", "date"], name="txn_insurer_remittance"),
            # The monthly commission statement of a firm.
            models.Index(fields=["firm", "date"], name="txn_firm_date"),
            models.Index(fields=["subject_kind", "subject_id"], name="txn_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"


class Leg(models.Model):
    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="legs")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="legs")
    # Debit positive, credit negative.
    amount = models.DecimalField(_("importo"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("scrittura")
        verbose_name_plural = _("scritture")
        constraints = [models.CheckConstraint(condition=~models.Q(amount=0), name="leg_not_zero")]
        indexes = [
            # A balance reads the index alone (PostgreSQL: the amount is in it).
            models.Index(fields=["account"], include=["amount"], name="leg_account_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.amount}"


class DayTotal(models.Model):
    """The sum and count of the legs of one account, one day, one transaction kind, insurer and
    remittance (or none): written only by the database's triggers (migration 0003), when a
    transaction is posted or put in a remittance, in the same database transaction. The
    ledger's wide reads (balances, reconciliation, the month's figures) add these up instead
    of every leg."""

    account = models.ForeignKey(Account, on_delete=models.DO_NOTHING, related_name="+")
    # The transaction's insurer (none for a commission payout) and the rest of its key.
    insurer = models.ForeignKey(
        "catalog.Insurer",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
    )
    date = models.DateField()
    kind = models.CharField(max_length=16)  # a Transaction.Kind
    # The remittance its transactions are in (empty: not yet remitted).
    remittance = models.ForeignKey(
        Remittance, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+"
    )
    amount = models.DecimalField(max_digits=16, decimal_places=2)
    legs = models.IntegerField()

    class Meta:
        verbose_name = _("totale del giorno")
        verbose_name_plural = _("totali del giorno")
        constraints = [
            models.UniqueConstraint(
                "account",
                Coalesce("insurer", Value(0)),
                "date",
                "kind",
                Coalesce("remittance", Value(0)),
                name="daytotal_key",
            )
        ]
        indexes = [models.Index(fields=["date", "kind"], name="daytotal_date_kind")]

    def __str__(self) -> str:
        return f"{self.account} {self.date} {self.amount}"


class Payout(models.Model):
    """A sum the MGA pays by SEPA credit transfer: a claim's indemnity, a firm's commissions or
    premium given back to a client (a variazione lowering it)."""

    class Kind(models.TextChoices):
        CLAIM = "claim", _("Indennizzo")
        COMMISSION = "commission", _("Provvigioni")
        REFUND = "refund", _("Rimborso di premio")

    class Status(models.TextChoices):
        PENDING = "pending", _("Da pagare")
        BATCHED = "batched", _("In distinta")
        SENT = "sent", _("Inviato")

    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    lifecycle = Lifecycle(
        {Status.PENDING: {Status.BATCHED}, Status.BATCHED: {Status.SENT}, Status.SENT: set()},
        noun=_("Il pagamento"),
        audit="payout",
    )
    subject_kind = models.CharField(max_length=20)
    subject_id = models.PositiveBigIntegerField()
    reference = models.CharField(_("riferimento"), max_length=100)
    insurer = models.ForeignKey(
        "catalog.Insurer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    firm = models.ForeignKey(
        "accounts.Firm", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payee_name = models.CharField(_("beneficiario"), max_length=200)
    iban = models.CharField(_("IBAN"), max_length=34)
    # What the payee is owed; the transfer is that less the withholding (commissions).
    gross = models.DecimalField(_("importo lordo"), max_digits=12, decimal_places=2)
    withholding = models.DecimalField(_("ritenuta"), max_digits=12, decimal_places=2, default=0)
    # A refund: its premium tax, the commissions charged back on it (the firm's, and the MGA's
    # whole commission, of which the firm's is part), and the practice it belongs to.
    clawback = models.DecimalField(
        _("provvigione stornata"), max_digits=12, decimal_places=2, default=0
    )
    tax = models.DecimalField(_("imposte"), max_digits=12, decimal_places=2, default=0)
    mga_clawback = models.DecimalField(
        _("provvigione MGA stornata"), max_digits=12, decimal_places=2, default=0
    )
    practice_id = models.PositiveBigIntegerField(null=True, blank=True)
    batch = models.ForeignKey(
        "PayoutBatch", null=True, blank=True, on_delete=models.PROTECT, related_name="payouts"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("pagamento SEPA")
        verbose_name_plural = _("pagamenti SEPA")
        indexes = [
            models.Index(fields=["kind", "status"], name="payout_kind_status"),
            models.Index(fields=["subject_kind", "subject_id"], name="payout_subject"),
        ]

    def __str__(self) -> str:
        return f"P-{self.pk:06d}"

    @property
    def amount(self):
        """What is transferred."""
        return self.gross - self.withholding

    @property
    def end_to_end_id(self) -> str:
        """The SEPA EndToEndId (≤ 35 characters): our payout's number."""
        return f"POLIS-{self.pk:010d}"


class PayoutBatch(models.Model):
    """A pain.001 distinta of payouts from one of the MGA's accounts, sent when confirmed."""

    class Status(models.TextChoices):
        EXPORTED = "exported", _("Esportata")
        SENT = "sent", _("Inviata alla banca")

    kind = models.CharField(_("tipo"), max_length=10, choices=Payout.Kind.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.EXPORTED)
    lifecycle = Lifecycle(
        {Status.EXPORTED: {Status.SENT}, Status.SENT: set()},
        noun=_("La distinta"),
        audit="payout_batch",
    )
    message_id = models.CharField(max_length=35, unique=True)
    execution_date = models.DateField(_("data di esecuzione"))
    xml = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("distinta SEPA")
        verbose_name_plural = _("distinte SEPA")

    def __str__(self) -> str:
        return f"D-{self.pk:06d}"
