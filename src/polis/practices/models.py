import uuid
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polis.documents.models import AttachedDocument
from polis.lifecycle import Lifecycle


class Practice(models.Model):
    """One contract being arranged, issued and, later, renewed (DESIGN §3)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Bozza")
        IN_REVIEW = "in_review", _("In revisione MGA")
        INFO_REQUESTED = "info_requested", _("Informazioni richieste")
        ISSUED = "issued", _("Emessa")
        SIGNING = "signing", _("In firma")
        SIGNED = "signed", _("Firmata")
        # Signed and paid, its start date still ahead: in force only from that day.
        COMPLETED = "completed", _("Perfezionata")
        IN_FORCE = "in_force", _("In vigore")
        RENEWED = "renewed", _("Rinnovata")
        EXPIRED = "expired", _("Scaduta")
        DECLINED = "declined", _("Rifiutata")
        CANCELLED = "cancelled", _("Annullata")

    class DeliveryMedium(models.TextChoices):
        """How the client receives the pre-contractual documents (art. 120-quater CAP): any
        medium but paper needs his consent to a durable non-paper medium."""

        PAPER = "paper", _("Su carta")
        EMAIL = "email", _("Per e-mail")
        LINK = "link", _("Con un link per scaricarli")

    # Opaque public reference (ledger entries, signature links): no personal data.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    firm = models.ForeignKey("accounts.Firm", on_delete=models.PROTECT, related_name="practices")
    # Indexed by practice_client_cover below, which also answers a client search's count and
    # page keys without reading the table.
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="practices", db_index=False
    )
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    tariff = models.ForeignKey("catalog.TariffVersion", on_delete=models.PROTECT, related_name="+")
    quote = models.OneToOneField(
        "quotes.Quote", null=True, blank=True, on_delete=models.PROTECT, related_name="practice"
    )
    answers = models.JSONField()
    effective_date = models.DateField(_("decorrenza"))
    end_date = models.DateField(_("scadenza"))
    net = models.DecimalField(max_digits=12, decimal_places=2)
    tax = models.DecimalField(max_digits=12, decimal_places=2)
    gross = models.DecimalField(max_digits=12, decimal_places=2)
    commission = models.DecimalField(max_digits=12, decimal_places=2)
    breakdown = models.JSONField()
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.DRAFT)
    # DESIGN §3. "cancelled" is possible from any state before in force.
    lifecycle = Lifecycle(
        {
            Status.DRAFT: {Status.ISSUED, Status.IN_REVIEW, Status.CANCELLED},
            Status.IN_REVIEW: {
                Status.ISSUED,
                Status.DECLINED,
                Status.INFO_REQUESTED,
                Status.CANCELLED,
            },
            Status.INFO_REQUESTED: {Status.IN_REVIEW, Status.DECLINED, Status.CANCELLED},
            Status.ISSUED: {Status.SIGNING, Status.CANCELLED},
            Status.SIGNING: {Status.SIGNED, Status.ISSUED, Status.CANCELLED},
            Status.SIGNED: {Status.COMPLETED, Status.IN_FORCE, Status.CANCELLED},
            # Perfezionata before its start date: in force from that day, back to "signed"
            # when the MGA rejects the payment that completed it, or cancelled (premium refunded).
            Status.COMPLETED: {Status.IN_FORCE, Status.SIGNED, Status.CANCELLED},
            # Back to "signed" when the MGA rejects the payment that completed it.
            Status.IN_FORCE: {Status.RENEWED, Status.EXPIRED, Status.SIGNED},
            # Not renewed after all when the renewal's completing payment is rejected.
            Status.RENEWED: {Status.IN_FORCE, Status.EXPIRED},
            # A renewal completed after the end date (within the grace period) still renews it.
            Status.EXPIRED: {Status.RENEWED},
            Status.DECLINED: set(),
            Status.CANCELLED: set(),
        },
        noun=_("La pratica"),
        audit="practice",
        versioned=True,
        stale=_("La pratica è stata modificata da un altro utente: ricarica la pagina."),
    )
    review_reason = models.CharField(max_length=300, blank=True)
    policy_number = models.CharField(
        _("numero di polizza"), max_length=20, unique=True, null=True, blank=True
    )
    contract = models.ForeignKey(
        "documents.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_contract = models.ForeignKey(
        "documents.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signature_report = models.ForeignKey(
        "documents.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The pre-contractual documents handed to the client before signing, each stored:
    # [{kind, label, version, sha256, file, delivered_at, medium, durable_consent}];
    # delivered_at stays empty until the delivery is proven (see `delivery`).
    disclosures = models.JSONField(default=list, blank=True)
    # How they reach the client: {medium, message (outbox uuid), queued_at, channel,
    # delivered_at, receipt (PracticeDocument pk), acknowledged_at}.
    delivery = models.JSONField(default=dict, blank=True)
    # When the firm sent it to the MGA's review: the back-office queue's order and age.
    submitted_at = models.DateTimeField(null=True, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    in_force_at = models.DateTimeField(null=True, blank=True)
    # RINNOVA PRATICA: the practice this one renews for the next period.
    renewal_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="renewals"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Demands and needs as collected, with how the documents reach the client:
    # {version, answers, refused, consistent, reason, medium, durable_consent, by, at}.
    needs = models.JSONField(_("esigenze e bisogni"), default=dict, blank=True)
    # POG: outside the product's target market, the check at issue and the collaborator's
    # justification {fit, reasons, version, justification, by, at}; None inside it.
    target_market = models.JSONField(_("target market (POG)"), null=True, blank=True)
    # Optimistic locking: every change bumps it (polis.lifecycle's transition and
    # save_versioned); forms carry the version they showed.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("pratica")
        verbose_name_plural = _("pratiche")
        # PRATICHE E PREVENTIVI for a firm with 100k practices and the MGA with 1M: every
        # filter and sort of the list starts from an index (firm first for collaborators).
        # Policy-number prefix search uses the unique column's own index (on PostgreSQL Django
        # adds a varchar_pattern_ops twin for LIKE 'RCP-2026%').
        indexes = [
            models.Index(fields=["status", "end_date"]),
            # Each sort of the list (with its tie-break) for a firm and for the MGA, so that a page
            # is read in index order and never sorted in memory.
            models.Index(fields=["firm", "-created_at", "-id"], name="practice_firm_created"),
            models.Index(fields=["firm", "end_date", "id"], name="practice_firm_end"),
            models.Index(fields=["firm", "-effective_date", "-id"], name="practice_firm_effective"),
            models.Index(fields=["-created_at", "-id"], name="practice_created"),
            # A firm's premiums written by month (the dashboard), read from the index alone.
            models.Index(
                fields=["firm", "issued_at"],
                include=["gross", "status"],
                name="practice_firm_issued",
            ),
            # The MGA's premiums written this year by product (the operator's dashboard).
            models.Index(
                fields=["issued_at"],
                include=["product", "gross", "status"],
                name="practice_issued",
            ),
            models.Index(
                fields=["client"],
                include=["firm", "created_at", "id"],
                name="practice_client_cover",
            ),
            models.Index(fields=["end_date", "id"], name="practice_end"),
            models.Index(fields=["-effective_date", "-id"], name="practice_effective"),
            # Filters (status, product) in the default order; the expiring tab by end date.
            models.Index(
                fields=["firm", "status", "-created_at", "-id"], name="practice_firm_status"
            ),
            models.Index(
                fields=["firm", "product", "-created_at", "-id"], name="practice_firm_product"
            ),
            models.Index(fields=["status", "-created_at", "-id"], name="practice_status_created"),
            models.Index(fields=["product", "-created_at", "-id"], name="practice_product_created"),
            # With the key, a firm's count by status and end date (renewals, expiring) reads the
            # index alone, and one status comes in the list's order (end date, then key).
            models.Index(
                fields=["firm", "status", "end_date", "id"], name="practice_firm_status_end"
            ),
            # The MGA's list of one status by end date (in force, soonest first).
            models.Index(fields=["status", "end_date", "id"], name="practice_status_end"),
            # "Has a renewal on its way" (RINNOVA PRATICA, in scadenza, reminders): one probe of an
            # index holding only the renewals that are not abandoned, answered from the index.
            models.Index(
                fields=["renewal_of"],
                condition=models.Q(renewal_of__isnull=False)
                & ~models.Q(status__in=["cancelled", "declined"]),
                name="practice_live_renewal",
            ),
            # The back-office queue: only the few practices waiting for the MGA, oldest first.
            models.Index(
                fields=["submitted_at", "id"],
                condition=models.Q(status__in=["in_review", "info_requested"]),
                name="practice_review_queue",
            ),
        ]

    def __str__(self) -> str:
        return self.policy_number or f"Pratica {self.pk}"

    def get_status_display(self) -> str:
        # Django's own rebuilds the choices' dict on each call: ~60 µs, on every list row.
        return str(self.Status(self.status).label)

    @property
    def premium_difference(self) -> Decimal | None:
        """For a renewal: its gross premium minus the renewed practice's."""
        return self.gross - self.renewal_of.gross if self.renewal_of_id else None

    @property
    def days_left(self) -> int:
        """Days from today to the end of the period (negative once past)."""
        return (self.end_date - timezone.localdate()).days

    @property
    def instalments(self) -> list[Decimal]:
        """The premium's instalments as the rating engine split it (the first takes the cents)."""
        return [Decimal(amount) for amount in self.breakdown.get("instalments") or [self.gross]]

    def shares(self, amount: Decimal) -> list[Decimal]:
        """`amount` (a part of the premium: its tax, a commission) split like the premium, one
        share per instalment, the first taking the cents."""
        count = len(self.instalments)
        share = (amount / count).quantize(Decimal("0.01"), ROUND_DOWN)
        return [amount - share * (count - 1)] + [share] * (count - 1)

    @property
    def commission_shares(self) -> list[Decimal]:
        """The collaborator's commission split like the premium, one share per instalment."""
        return self.shares(self.commission)

    @property
    def commission_rate(self) -> Decimal | None:
        """The commission as a share of the net premium (e.g. 0.15), when there is a premium."""
        return (self.commission / self.net).quantize(Decimal("0.0001")) if self.net else None


class Payment(models.Model):
    """One instalment of the premium paid by the client, with its receipt (perfezionamento), or
    the additional premium of a variazione (`endorsement`): verified by the MGA alike."""

    class Method(models.TextChoices):
        TRANSFER = "transfer", _("Bonifico")
        POS = "pos", _("POS (carta)")
        CASH = "cash", _("Contanti")
        CHEQUE = "cheque", _("Assegno")
        DIRECT_DEBIT = "direct_debit", _("Addebito diretto (SDD)")

    class Status(models.TextChoices):
        TO_VERIFY = "to_verify", _("Da verificare")
        VERIFIED = "verified", _("Verificato")
        REJECTED = "rejected", _("Respinto")

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="payments")
    # Denormalized from the practice: the monthly commission statement reads by firm and date.
    firm = models.ForeignKey("accounts.Firm", on_delete=models.PROTECT, related_name="+")
    instalment = models.PositiveSmallIntegerField(_("rata"), null=True, blank=True)  # 1 = first
    # A variazione's additional premium instead of an instalment (exactly one of the two).
    endorsement = models.ForeignKey(
        "Endorsement", null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    method = models.CharField(_("modalità"), max_length=12, choices=Method.choices)
    paid_on = models.DateField(_("data del pagamento"))
    amount = models.DecimalField(_("importo"), max_digits=12, decimal_places=2)
    commission = models.DecimalField(_("provvigione"), max_digits=12, decimal_places=2)
    receipt = models.ForeignKey("documents.StoredFile", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.TO_VERIFY)
    # A rejected payment stays rejected: the instalment is paid again with a new one.
    lifecycle = Lifecycle(
        {
            Status.TO_VERIFY: {Status.VERIFIED, Status.REJECTED},
            Status.VERIFIED: set(),
            Status.REJECTED: set(),
        },
        noun=_("Il pagamento"),
        audit="payment",
    )
    rejection_reason = models.CharField(_("motivo"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("pagamento")
        verbose_name_plural = _("pagamenti")
        constraints = [
            # An instalment is paid once; a rejected payment leaves room for a new one.
            models.UniqueConstraint(
                fields=["practice", "instalment"],
                condition=~models.Q(status="rejected"),
                name="payment_once_per_instalment",
            ),
            models.UniqueConstraint(
                fields=["endorsement"],
                condition=~models.Q(status="rejected"),
                name="payment_once_per_endorsement",
            ),
            models.CheckConstraint(
                condition=models.Q(instalment__isnull=False, endorsement__isnull=True)
                | models.Q(instalment__isnull=True, endorsement__isnull=False),
                name="payment_instalment_or_endorsement",
            ),
        ]
        indexes = [
            models.Index(fields=["firm", "paid_on"], name="payment_firm_paid_on"),
            models.Index(fields=["status", "recorded_at"], name="payment_status_recorded"),
        ]

    def __str__(self) -> str:
        if self.endorsement_id:
            return f"{self.practice} appendice {self.endorsement.number}"
        return f"{self.practice} rata {self.instalment}"

    @property
    def label(self) -> str:
        """What it pays, for a table's cell: "1/2" (an instalment) or "appendice 1"."""
        if self.endorsement_id:
            return str(_("appendice %(n)s") % {"n": self.endorsement.number})
        return f"{self.instalment}/{len(self.practice.instalments)}"


class ExpiryReminder(models.Model):
    """An expiry e-mail sent for a practice at a threshold (days before the end): never twice."""

    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="expiry_reminders"
    )
    days = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "days"], name="expiry_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.practice} −{self.days}"


class PracticeDocument(AttachedDocument):
    """A document the firm or the MGA added to a practice; a new upload of the same kind is a
    new version, the older ones stay."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="documents")

    class Meta:
        ordering = ["kind", "-uploaded_at", "-pk"]
        verbose_name = _("documento della pratica")
        verbose_name_plural = _("documenti della pratica")

    def __str__(self) -> str:
        return f"{self.practice} · {self.label}"


class Endorsement(models.Model):
    """A variazione di polizza: new answers from an effective date to the end of the period,
    re-rated pro rata with the tariff of the practice's issue, signed by the client as an
    appendice. Once effective it is a version of the practice (`selectors.version_in_force`)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Bozza")
        IN_REVIEW = "in_review", _("In revisione MGA")
        TO_SIGN = "to_sign", _("Appendice da firmare")
        SIGNING = "signing", _("In firma")
        EFFECTIVE = "effective", _("Efficace")
        REFUSED = "refused", _("Rifiutata")
        WITHDRAWN = "withdrawn", _("Ritirata")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="endorsements")
    number = models.PositiveSmallIntegerField(_("numero dell'appendice"))  # 1, 2… per practice
    effective_date = models.DateField(_("data di effetto"))
    # The answers in force before (the previous version) and after the change, as validated.
    previous_answers = models.JSONField()
    answers = models.JSONField()
    # The annual premium before and after the change, both with the tariff of the issue.
    previous_net = models.DecimalField(max_digits=12, decimal_places=2)
    previous_gross = models.DecimalField(max_digits=12, decimal_places=2)
    net = models.DecimalField(max_digits=12, decimal_places=2)
    tax = models.DecimalField(max_digits=12, decimal_places=2)
    gross = models.DecimalField(max_digits=12, decimal_places=2)
    breakdown = models.JSONField()
    # The premium difference pro rata temporis: positive to collect, negative to refund.
    difference_net = models.DecimalField(max_digits=12, decimal_places=2)
    difference_tax = models.DecimalField(max_digits=12, decimal_places=2)
    difference_gross = models.DecimalField(max_digits=12, decimal_places=2)
    difference_commission = models.DecimalField(max_digits=12, decimal_places=2)
    note = models.CharField(_("motivo della variazione"), max_length=300, blank=True)
    review_reason = models.CharField(max_length=300, blank=True)
    refusal_reason = models.CharField(_("motivo del rifiuto"), max_length=300, blank=True)
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.DRAFT)
    lifecycle = Lifecycle(
        {
            Status.DRAFT: {Status.IN_REVIEW, Status.TO_SIGN, Status.WITHDRAWN},
            Status.IN_REVIEW: {Status.TO_SIGN, Status.REFUSED, Status.WITHDRAWN},
            Status.TO_SIGN: {Status.SIGNING, Status.WITHDRAWN},
            # Back to "to sign" when the request ends unsigned (declined, voided, expired).
            Status.SIGNING: {Status.EFFECTIVE, Status.TO_SIGN},
            Status.EFFECTIVE: set(),
            Status.REFUSED: set(),
            Status.WITHDRAWN: set(),
        },
        noun=_("La variazione"),
        audit="endorsement",
        versioned=True,
        stale=_("La variazione è stata modificata da un altro utente: ricarica la pagina."),
    )
    appendix = models.ForeignKey(
        "documents.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_appendix = models.ForeignKey(
        "documents.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signature_report = models.ForeignKey(
        "documents.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    effective_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    OPEN = (Status.DRAFT, Status.IN_REVIEW, Status.TO_SIGN, Status.SIGNING)

    class Meta:
        verbose_name = _("variazione di polizza")
        verbose_name_plural = _("variazioni di polizza")
        constraints = [
            models.UniqueConstraint(fields=["practice", "number"], name="endorsement_number"),
            # One change on its way at a time: the next one starts from the version it makes.
            models.UniqueConstraint(
                fields=["practice"],
                condition=models.Q(status__in=["draft", "in_review", "to_sign", "signing"]),
                name="endorsement_one_open",
            ),
        ]
        indexes = [
            models.Index(
                fields=["submitted_at", "id"],
                condition=models.Q(status="in_review"),
                name="endorsement_review_queue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.practice} appendice {self.number}"

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label)

    @property
    def to_refund(self) -> bool:
        return self.difference_gross < 0
