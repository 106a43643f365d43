from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Client(models.Model):
    """A contraente/assicurato of one firm's portfolio: a natural person or a company."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Persona fisica")
        COMPANY = "company", _("Persona giuridica")

    class Sex(models.TextChoices):
        MALE = "M", _("Maschio")
        FEMALE = "F", _("Femmina")

    class Language(models.TextChoices):
        """What the client reads: his signing pages, e-mails and SMS (documents stay Italian)."""

        ITALIAN = "it", _("Italiano")
        ENGLISH = "en", _("Inglese")

    firm = models.ForeignKey("accounts.Firm", on_delete=models.PROTECT, related_name="clients")
    kind = models.CharField(_("tipo"), max_length=7, choices=Kind.choices)
    first_name = models.CharField(_("nome"), max_length=100, blank=True)
    last_name = models.CharField(_("cognome"), max_length=100, blank=True)
    company_name = models.CharField(_("ragione sociale"), max_length=200, blank=True)
    codice_fiscale = models.CharField(_("codice fiscale"), max_length=16, blank=True)
    partita_iva = models.CharField(_("partita IVA"), max_length=11, blank=True)
    birth_date = models.DateField(_("data di nascita"), null=True, blank=True)
    sex = models.CharField(_("sesso"), max_length=1, choices=Sex.choices, blank=True)
    email = models.EmailField(_("e-mail"))
    mobile = models.CharField(_("cellulare"), max_length=16, blank=True)
    pec = models.EmailField(_("PEC"), blank=True)
    address = models.CharField(_("indirizzo"), max_length=200)
    postal_code = models.CharField(_("CAP"), max_length=5)
    city = models.CharField(_("comune"), max_length=100)
    province = models.CharField(_("provincia"), max_length=2)
    language = models.CharField(
        _("lingua"), max_length=2, choices=Language.choices, default=Language.ITALIAN
    )
    # The collaborator's declaration, ticked when adding the client, that the notice was given.
    privacy_consent_version = models.CharField(max_length=20)
    privacy_consent_at = models.DateTimeField()
    # The evidence: the privacy notice (art. 13 GDPR) last delivered for real with a practice's
    # pre-contractual documents (the outbox's sent e-mail, the signed receipt, the signing page).
    privacy_notice_version = models.CharField(
        _("informativa privacy consegnata (versione)"),
        max_length=20,
        blank=True,
        default="",
        db_default="",
    )
    privacy_notice_delivered_at = models.DateTimeField(
        _("informativa privacy consegnata il"), null=True, blank=True
    )
    marketing_consent_at = models.DateTimeField(null=True, blank=True)
    # Where the consent was given ("agency_form", "privacy_request") and the version of the text
    # the client read (settings.MARKETING_CONSENT_VERSION); both empty without a consent. Its
    # withdrawal is in the audit log, with where it came from.
    marketing_consent_source = models.CharField(
        max_length=20, blank=True, default="", db_default=""
    )
    marketing_consent_version = models.CharField(
        max_length=20, blank=True, default="", db_default=""
    )
    # GDPR art. 18: kept, but processed only with consent or to defend a right (polis.privacy)
    processing_restricted_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("cliente")
        verbose_name_plural = _("clienti")
        constraints = [
            models.UniqueConstraint(
                fields=["firm", "codice_fiscale"],
                condition=~Q(codice_fiscale=""),
                name="client_cf_unique_in_firm",
            ),
            models.UniqueConstraint(
                fields=["firm", "partita_iva"],
                condition=~Q(partita_iva=""),
                name="client_piva_unique_in_firm",
            ),
            models.CheckConstraint(
                name="client_has_identifier",
                condition=~Q(codice_fiscale="", partita_iva=""),
            ),
        ]
        indexes = [
            models.Index(fields=["firm", "last_name", "first_name"]),
            models.Index(fields=["firm", "company_name"]),
            # The MGA's client list, in the list's order (name, then id).
            models.Index(
                fields=["last_name", "first_name", "company_name", "id"], name="client_name_order"
            ),
            # The MGA's portfolio search by tax code, across firms.
            models.Index(fields=["codice_fiscale"], name="client_codice_fiscale"),
            models.Index(fields=["partita_iva"], name="client_partita_iva"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.kind == self.Kind.COMPANY:
            return self.company_name
        return f"{self.last_name} {self.first_name}".strip()

    @property
    def tax_id(self) -> str:
        return self.codice_fiscale or self.partita_iva
