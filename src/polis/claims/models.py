"""Claims (sinistri): opened on a policy, handled by the MGA and an adjuster, settled by a
quietanza the insured accepts with the FEA or refuses with objections (DESIGN §3)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polis.documents.models import AttachedDocument
from polis.lifecycle import Lifecycle

# The SLA: working days from complete documentation to the claim's due date (Claim.sla_due).
SLA_WORKING_DAYS = 20


class Claim(models.Model):
    class Status(models.TextChoices):
        OPENED = "opened", _("Aperto")
        DOCS_MISSING = "docs_missing", _("Documenti mancanti")
        ASSIGNED = "assigned", _("Assegnato al liquidatore")
        INVESTIGATION = "investigation", _("In istruttoria")
        OFFER_RECEIVED = "offer_received", _("Quietanza ricevuta")
        ACCEPTED = "accepted", _("Quietanza accettata")
        PAID = "paid", _("Pagato")
        CLOSED = "closed", _("Chiuso")
        REJECTED = "rejected", _("Respinto")
        CLOSED_WITHOUT_PAYMENT = "closed_nopay", _("Chiuso senza seguito")
        REOPENED = "reopened", _("Riaperto")

    OPEN = (
        Status.OPENED,
        Status.DOCS_MISSING,
        Status.ASSIGNED,
        Status.INVESTIGATION,
        Status.OFFER_RECEIVED,
        Status.ACCEPTED,
        Status.PAID,
        Status.REOPENED,
    )

    number = models.CharField(_("numero sinistro"), max_length=20, unique=True)
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    firm = models.ForeignKey("accounts.Firm", on_delete=models.PROTECT, related_name="claims")
    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.PROTECT, related_name="claims"
    )
    # The policy's client, kept on the claim so that a search by name reads the client index
    # directly rather than joining a million practices (a practice's client never changes).
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="claims")
    claim_type = models.CharField(_("tipo di sinistro"), max_length=40)
    claim_type_label = models.CharField(max_length=200)
    event_date = models.DateField(_("data dell'evento"))
    reported_on = models.DateField(_("data della denuncia"))
    place = models.CharField(_("luogo"), max_length=200)
    description = models.TextField(_("descrizione"))
    estimated_amount = models.DecimalField(
        _("importo stimato"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    third_parties = models.TextField(_("terzi coinvolti"), blank=True)
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.OPENED)
    lifecycle = Lifecycle(
        {
            Status.OPENED: {
                Status.DOCS_MISSING,
                Status.ASSIGNED,
                Status.REJECTED,
                Status.CLOSED_WITHOUT_PAYMENT,
            },
            Status.DOCS_MISSING: {
                Status.DOCS_MISSING,
                Status.OPENED,
                Status.ASSIGNED,
                Status.INVESTIGATION,
                Status.REJECTED,
                Status.CLOSED_WITHOUT_PAYMENT,
            },
            Status.ASSIGNED: {
                Status.ASSIGNED,
                Status.DOCS_MISSING,
                Status.INVESTIGATION,
                Status.REJECTED,
                Status.CLOSED_WITHOUT_PAYMENT,
            },
            Status.INVESTIGATION: {
                Status.ASSIGNED,
                Status.DOCS_MISSING,
                Status.OFFER_RECEIVED,
                Status.REJECTED,
                Status.CLOSED_WITHOUT_PAYMENT,
            },
            Status.OFFER_RECEIVED: {
                Status.OFFER_RECEIVED,
                Status.ACCEPTED,
                Status.INVESTIGATION,
                Status.REJECTED,
                Status.CLOSED_WITHOUT_PAYMENT,
            },
            Status.ACCEPTED: {Status.PAID},
            Status.PAID: {Status.CLOSED},
            Status.CLOSED: {Status.REOPENED},
            Status.REJECTED: {Status.REOPENED},
            Status.CLOSED_WITHOUT_PAYMENT: {Status.REOPENED},
            Status.REOPENED: {
                Status.DOCS_MISSING,
                Status.ASSIGNED,
                Status.INVESTIGATION,
                Status.REJECTED,
                Status.CLOSED_WITHOUT_PAYMENT,
            },
        },
        noun=_("Il sinistro"),
        audit="claim",
        versioned=True,
        stale=_("Il sinistro è stato modificato da un altro utente: ricarica la pagina."),
    )
    # The SLA clock (working days) runs from complete documentation.
    docs_complete_on = models.DateField(_("documentazione completa il"), null=True, blank=True)
    sla_due = models.DateField(_("scadenza SLA"), null=True, blank=True)
    insurer_claim_number = models.CharField(
        _("numero sinistro della compagnia"), max_length=50, blank=True
    )
    insurer_number_on = models.DateField(null=True, blank=True)
    investigation_done_on = models.DateField(null=True, blank=True)
    adjuster = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("liquidatore"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_claims",
    )
    external_adjuster = models.CharField(_("liquidatore esterno"), max_length=200, blank=True)
    outcome_reason = models.CharField(_("motivo"), max_length=500, blank=True)
    paid_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    paid_on = models.DateField(null=True, blank=True)
    payee_iban = models.CharField(_("IBAN del beneficiario"), max_length=34, blank=True)
    # Optimistic locking: forms carry the version they were rendered with.
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("sinistro")
        verbose_name_plural = _("sinistri")
        indexes = [
            models.Index(fields=["firm", "status", "-created_at"]),
            models.Index(fields=["adjuster", "status"]),
            models.Index(fields=["status", "sla_due"]),
            # VISUALIZZA SINISTRI, newest first, for the MGA, a firm and an adjuster, with and
            # without the status filter: a page is read in index order, never sorted.
            models.Index(fields=["-created_at", "-id"], name="claim_created"),
            models.Index(fields=["firm", "-created_at", "-id"], name="claim_firm_created"),
            models.Index(fields=["status", "-created_at", "-id"], name="claim_status_created"),
            models.Index(fields=["adjuster", "-created_at", "-id"], name="claim_adjuster_created"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_status_display(self) -> str:
        # Django's own rebuilds the choices' dict on each call: ~60 µs, on every list row.
        return str(self.Status(self.status).label)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def masked_iban(self) -> str:
        """ "IT60 **** **** 3456": enough to recognise the account paid, on any screen."""
        return f"{self.payee_iban[:4]} **** **** {self.payee_iban[-4:]}" if self.payee_iban else ""


class ClaimDocument(AttachedDocument):
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="documents")
    # empty when the insured sent it from their personal link (polis.insured)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.claim} · {self.label}"


class ClaimEvent(models.Model):
    """The claim's timeline: every change, note, document request, offer and objection."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=30)
    text = models.TextField(blank=True)
    # Internal notes of the MGA are not shown to the firm.
    shared = models.BooleanField(default=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.claim} · {self.kind}"


class Quietanza(models.Model):
    """An offer to settle, versioned: a new one supersedes, never overwrites, the previous."""

    class Kind(models.TextChoices):
        FINAL = "saldo", _("A saldo")
        ON_ACCOUNT = "acconto", _("In acconto")

    class Status(models.TextChoices):
        PENDING = "pending", _("In attesa dell'assicurato")
        ACCEPTED = "accepted", _("Accettata")
        REFUSED = "refused", _("Contestata dall'assicurato")
        SUPERSEDED = "superseded", _("Sostituita")

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="quietanze")
    version = models.PositiveSmallIntegerField()
    amount = models.DecimalField(_("importo"), max_digits=12, decimal_places=2)
    kind = models.CharField(_("tipo"), max_length=7, choices=Kind.choices, default=Kind.FINAL)
    conditions = models.TextField(_("condizioni"))
    document = models.ForeignKey("documents.StoredFile", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # A new offer supersedes the pending one; the insured accepts or contests it.
    lifecycle = Lifecycle(
        {
            Status.PENDING: {Status.ACCEPTED, Status.REFUSED, Status.SUPERSEDED},
            Status.ACCEPTED: set(),
            Status.REFUSED: set(),
            Status.SUPERSEDED: set(),
        },
        noun=_("La quietanza"),
        audit="quietanza",
    )
    objections = models.TextField(blank=True)
    signed_document = models.ForeignKey(
        "documents.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["version"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "version"], name="quietanza_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.claim} · quietanza v{self.version}"
