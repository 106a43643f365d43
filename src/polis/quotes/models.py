from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Quote(models.Model):
    """A priced offer that issues nothing; it converts into a practice within its validity."""

    class Status(models.TextChoices):
        PRICED = "priced", _("Calcolato")
        CONVERTED = "converted", _("Trasformato in pratica")

    number = models.CharField(_("numero"), max_length=20, unique=True)
    firm = models.ForeignKey("accounts.Firm", on_delete=models.PROTECT, related_name="quotes")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="quotes")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    tariff = models.ForeignKey("catalog.TariffVersion", on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField()
    effective_date = models.DateField(_("decorrenza"))
    net = models.DecimalField(max_digits=12, decimal_places=2)
    tax = models.DecimalField(max_digits=12, decimal_places=2)
    gross = models.DecimalField(max_digits=12, decimal_places=2)
    commission = models.DecimalField(max_digits=12, decimal_places=2)
    breakdown = models.JSONField()  # the explained lines and the instalments
    valid_until = models.DateField(_("valido fino al"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PRICED)
    pdf = models.ForeignKey(
        "documents.StoredFile", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("preventivo")
        verbose_name_plural = _("preventivi")
        indexes = [
            models.Index(fields=["firm", "-created_at"]),
            models.Index(fields=["firm", "status", "valid_until"]),
            models.Index(fields=["firm", "product", "-created_at"], name="quote_firm_product"),
            models.Index(fields=["firm", "effective_date"], name="quote_firm_effective"),
            models.Index(fields=["-created_at"], name="quote_created"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_expired(self) -> bool:
        return self.status == self.Status.PRICED and self.valid_until < timezone.localdate()

    @property
    def status_label(self) -> str:
        return str(_("scaduto")) if self.is_expired else self.get_status_display()
