from django.db import models
from django.utils.translation import gettext_lazy as _

from polis.catalog.validators import (
    validate_claim_types,
    validate_claims_closures,
    validate_needs_questionnaire,
    validate_required_documents,
    validate_target_market,
)


class Insurer(models.Model):
    name = models.CharField(_("compagnia"), max_length=200)
    ivass_code = models.CharField(_("codice IVASS"), max_length=10, unique=True)
    # Days the claims office is closed besides weekends and national holidays (ISO dates): the
    # claims SLA counts working days on this calendar.
    claims_closures = models.JSONField(
        _("chiusure dell'ufficio sinistri"),
        default=list,
        blank=True,
        validators=[validate_claims_closures],
    )

    class Meta:
        verbose_name = _("compagnia")
        verbose_name_plural = _("compagnie")

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    insurer = models.ForeignKey(Insurer, on_delete=models.PROTECT, related_name="products")
    code = models.CharField(
        _("codice"),
        max_length=10,
        unique=True,
        help_text=_("Prefisso dei numeri di polizza, es. RCP"),
    )
    name = models.CharField(_("nome"), max_length=200)
    line_of_business = models.PositiveSmallIntegerField(_("ramo"))
    active = models.BooleanField(_("attivo"), default=True)
    quote_validity_days = models.PositiveSmallIntegerField(
        _("validità del preventivo (giorni)"), default=30
    )
    reporting_days = models.PositiveSmallIntegerField(
        _("giorni per denunciare un sinistro"), default=3
    )

    class CoverBasis(models.TextChoices):
        OCCURRENCE = "occurrence", _("Loss occurrence (eventi nel periodo di polizza)")
        CLAIMS_MADE = "claims_made", _("Claims made (richieste nel periodo di polizza)")

    # Which claims a policy answers for (products brief §1.1): events in its period, or claims
    # first made in its period (or its ultrattività) for acts back to the retroactive date.
    cover_basis = models.CharField(
        _("forma della copertura"),
        max_length=12,
        choices=CoverBasis.choices,
        default=CoverBasis.OCCURRENCE,
    )
    retroactivity_answer = models.CharField(
        _("domanda della retroattività (anni o «illimitata»)"),
        max_length=40,
        blank=True,
        help_text=_("Solo claims made; vuota: nessuna retroattività."),
    )
    run_off_answer = models.CharField(
        _("domanda dell'ultrattività (anni dopo la scadenza)"),
        max_length=40,
        blank=True,
        help_text=_("Solo claims made; vuota: nessuna ultrattività."),
    )
    # Typed questions from which the quote form is built: [{name, label, type, choices…}].
    questionnaire = models.JSONField(_("questionario"), default=list, blank=True)
    # Demands and needs (IVASS Reg. 40/2018 art. 58), a versioned template: {version, questions:
    # [{name, label, choices: [[value, label]], consistent: [values the product fits]}]}.
    needs_questionnaire = models.JSONField(
        _("questionario esigenze e bisogni"),
        default=dict,
        blank=True,
        validators=[validate_needs_questionnaire],
    )
    # The POG target market (Reg. IVASS 45/2020), positive and negative: see
    # polis.catalog.target_market.
    target_market = models.JSONField(
        _("target market (POG)"), default=dict, blank=True, validators=[validate_target_market]
    )
    # [{code, label}]: documents the firm uploads before a practice of this product is issued.
    required_documents = models.JSONField(
        _("documenti obbligatori per l'emissione"),
        default=list,
        blank=True,
        validators=[validate_required_documents],
    )
    # [{code, label, documents: [{code, label, required}]}]: what a claim of each type needs.
    claim_types = models.JSONField(
        _("tipi di sinistro"), default=list, blank=True, validators=[validate_claim_types]
    )
    auto_issue_max_gross = models.DecimalField(
        _("premio lordo massimo emettibile senza revisione"),
        max_digits=12,
        decimal_places=2,
        default=5000,
    )
    # A variazione raising the annual premium by more than this share goes to the MGA's review.
    endorsement_max_increase = models.DecimalField(
        _("aumento massimo del premio annuo per una variazione senza revisione (%)"),
        max_digits=5,
        decimal_places=2,
        default=30,
    )

    class Meta:
        verbose_name = _("prodotto")
        verbose_name_plural = _("prodotti")

    def __str__(self) -> str:
        return self.name


class TariffVersion(models.Model):
    """A tariff document for a period; frozen once a quote or practice has used it."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="tariffs")
    version = models.CharField(max_length=20)
    valid_from = models.DateField(_("valida dal"))
    valid_to = models.DateField(_("valida fino al"), null=True, blank=True)
    document = models.JSONField(_("tariffa"))
    in_use = models.BooleanField(_("usata da preventivi o pratiche"), default=False)

    class Meta:
        verbose_name = _("versione di tariffa")
        verbose_name_plural = _("versioni di tariffa")
        constraints = [
            models.UniqueConstraint(fields=["product", "version"], name="tariff_version_unique")
        ]
        indexes = [models.Index(fields=["product", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.product.code} {self.version}"


class Coverage(models.Model):
    """A garanzia of a product. Its limit and deductible are chosen in the questionnaire: the
    coverage names the answers that hold them, so quotes and contracts can list what is covered."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="coverages")
    code = models.CharField(_("codice"), max_length=30)
    name = models.CharField(_("garanzia"), max_length=200)
    description = models.TextField(_("descrizione"), blank=True)
    optional = models.BooleanField(_("facoltativa"), default=False)
    limit_answer = models.CharField(
        _("domanda del massimale o capitale"), max_length=40, blank=True
    )
    deductible_answer = models.CharField(_("domanda della franchigia"), max_length=40, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["product", "order", "pk"]
        verbose_name = _("garanzia")
        verbose_name_plural = _("garanzie")
        constraints = [
            models.UniqueConstraint(fields=["product", "code"], name="coverage_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class ProductDocument(models.Model):
    """A pre-contractual document of a product version (DIP, DIP aggiuntivo, condizioni)."""

    class Kind(models.TextChoices):
        DIP = "dip", _("DIP – Documento informativo precontrattuale")
        DIP_AGGIUNTIVO = "dip_aggiuntivo", _("DIP aggiuntivo")
        CONDITIONS = "condizioni", _("Condizioni di assicurazione")

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("documento"), max_length=20, choices=Kind.choices)
    version = models.CharField(_("versione"), max_length=20)
    valid_from = models.DateField(_("valido dal"))
    file = models.ForeignKey("documents.StoredFile", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["product", "kind", "-valid_from"]
        verbose_name = _("documento precontrattuale")
        verbose_name_plural = _("documenti precontrattuali")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "kind", "version"], name="product_document_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.version}"
