import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Practice(models.Model):
    """One contract being arranged, issued and, later, renewed (DESIGN §3)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Bozza")
        IN_REVIEW = "in_review", _("In revisione MGA")
        INFO_REQUESTED = "info_requested", _("Informazioni richieste")
        ISSUED = "issued", _("Emessa")
        SIGNING = "signing", _("In firma")
        SIGNED = "signed", _("Firmata")
        IN_FORCE = "in_force", _("In vigore")
        RENEWED = "renewed", _("Rinnovata")
        EXPIRED = "expired", _("Scaduta")
        DECLINED = "declined", _("Rifiutata")
        CANCELLED = "cancelled", _("Annullata")

    # Opaque public reference (ledger entries, signature links): no personal data.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    firm = models.ForeignKey("accounts.Firm", on_delete=models.PROTECT, related_name="practices")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="practices")
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
    # What the client received before signing: [{kind, version, sha256, delivered_at}]
    disclosures = models.JSONField(default=list, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("pratica")
        verbose_name_plural = _("pratiche")
        indexes = [
            models.Index(fields=["firm", "status", "-created_at"]),
            models.Index(fields=["status", "end_date"]),
        ]

    def __str__(self) -> str:
        return self.policy_number or f"Pratica {self.pk}"
