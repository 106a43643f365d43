from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polis.lifecycle import Lifecycle


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
    lifecycle = Lifecycle(
        {Status.PRICED: {Status.CONVERTED}, Status.CONVERTED: set()},
        noun=_("Il preventivo"),
        audit="quote",
    )
    pdf = models.ForeignKey(
        "documents.StoredFile", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    # POG: outside the product's target market, the check and the collaborator's
    # justification {fit, reasons, version, justification, by, at}; None inside it.
    target_market = models.JSONField(_("target market (POG)"), null=True, blank=True)

    class Meta:
        verbose_name = _("preventivo")
        verbose_name_plural = _("preventivi")
        indexes = [
            # The list's order, and the dashboard's quotes of the year by status (index only).
            models.Index(
                fields=["firm", "-created_at", "-id"],
                include=["status"],
                name="quote_firm_created",
            ),
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


class QuoteRequest(models.Model):
    """A custom quote ("garanzie particolari o con sinistri") asked to the MGA, answered in its
    Comunicazioni thread with an offer or a refusal; an accepted offer becomes a priced quote."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Richiesto")
        OFFERED = "offered", _("Offerta ricevuta")
        DECLINED = "declined", _("Non quotabile")
        ACCEPTED = "accepted", _("Offerta accettata")

    number = models.CharField(_("numero"), max_length=20, unique=True)
    firm = models.ForeignKey("accounts.Firm", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(
        "catalog.Product", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    need = models.CharField(_("esigenza"), max_length=300)
    special_coverages = models.TextField(_("garanzie particolari"), blank=True)
    claims_count = models.PositiveSmallIntegerField(_("sinistri negli ultimi 5 anni"), default=0)
    claims_years = models.CharField(_("anni dei sinistri"), max_length=100, blank=True)
    claims_amount = models.DecimalField(
        _("importi dei sinistri"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    claims_text = models.TextField(_("descrizione dei sinistri"), blank=True)
    thread = models.OneToOneField(
        "messaging.Thread", on_delete=models.PROTECT, related_name="quote_request"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    # The operator may revise an offer until the collaborator accepts it.
    lifecycle = Lifecycle(
        {
            Status.REQUESTED: {Status.OFFERED, Status.DECLINED},
            Status.OFFERED: {Status.OFFERED, Status.DECLINED, Status.ACCEPTED},
            Status.DECLINED: set(),
            Status.ACCEPTED: set(),
        },
        noun=_("La richiesta di preventivo"),
        audit="quote_request",
    )
    offer_gross = models.DecimalField(
        _("premio lordo offerto"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    offer_conditions = models.TextField(_("condizioni dell'offerta"), blank=True)
    # [{coverage, limit, deductible, scoperto}] as the operator set them: the offer's cover,
    # printed in the quote and the contract (catalog.selectors.coverages_of).
    offer_cover = models.JSONField(_("garanzie dell'offerta"), default=list, blank=True)
    offer_valid_until = models.DateField(_("offerta valida fino al"), null=True, blank=True)
    decline_reason = models.CharField(_("motivo"), max_length=500, blank=True)
    quote = models.OneToOneField(
        Quote, null=True, blank=True, on_delete=models.PROTECT, related_name="request"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("richiesta di preventivo personalizzato")
        verbose_name_plural = _("richieste di preventivo personalizzato")
        indexes = [
            models.Index(fields=["firm", "-created_at"]),
            models.Index(fields=["status", "created_at"]),
        ]

    def __str__(self) -> str:
        return self.number
