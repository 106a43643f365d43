import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polis.lifecycle import Lifecycle


class Category(models.Model):
    """A complaint's category (the register's "area"): a list the MGA's administrators keep in
    the admin; the quarterly summary counts per category."""

    code = models.SlugField(_("codice"), max_length=30, unique=True)
    label = models.CharField(_("categoria"), max_length=120)
    label_en = models.CharField(_("categoria in inglese"), max_length=120)
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)
    active = models.BooleanField(_("attiva"), default=True)

    class Meta:
        verbose_name = _("categoria di reclamo")
        verbose_name_plural = _("categorie di reclamo")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.label


class Complaint(models.Model):
    """A complaint (reclamo) as registered by the MGA: Reg. ISVAP 24/2008 as amended by Provv.
    IVASS 46/2016, regulatory brief §6. polis handles the complaints about the MGA and its
    collaborators itself and answers within 45 days from receipt; those about an insurer are
    forwarded to it without delay, and the complainant is told."""

    class Channel(models.TextChoices):
        WEB = "web", _("Modulo sul sito")
        EMAIL = "email", _("E-mail")
        PEC = "pec", _("PEC")
        POST = "post", _("Lettera / raccomandata")
        FAX = "fax", _("Fax")

    class ComplainantKind(models.TextChoices):
        POLICYHOLDER = "policyholder", _("Contraente")
        INSURED = "insured", _("Assicurato")
        BENEFICIARY = "beneficiary", _("Beneficiario")
        INJURED = "injured", _("Danneggiato")
        OTHER = "other", _("Altro")

    class Against(models.TextChoices):
        MGA = "mga", _("L'MGA")
        COLLABORATOR = "collaborator", _("Un intermediario collaboratore")
        INSURER = "insurer", _("La compagnia di assicurazione")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Ricevuto")
        ASSIGNED = "assigned", _("In lavorazione")
        FORWARDED = "forwarded", _("Inoltrato alla compagnia")
        ANSWERED = "answered", _("Risposto")

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Accolto")
        PARTLY = "partly", _("Accolto in parte")
        REJECTED = "rejected", _("Respinto")
        SETTLED = "settled", _("Transatto")

    OPEN = (Status.RECEIVED, Status.ASSIGNED)
    # Reg. ISVAP 24/2008: the answer within 45 days of receipt; the brief's alert from day 30.
    ANSWER_DAYS, WARN_DAYS = 45, 30
    # A complaint about an insurer is forwarded to it "without delay" (brief §6 gives no number
    # of days): polis asks for it within two days of receipt.
    FORWARD_DAYS = 2

    number = models.CharField(_("numero"), max_length=20, unique=True)
    received_on = models.DateField(_("data di ricezione"))
    channel = models.CharField(_("canale"), max_length=5, choices=Channel.choices)
    complainant_name = models.CharField(_("reclamante"), max_length=200)
    complainant_kind = models.CharField(
        _("il reclamante è"), max_length=12, choices=ComplainantKind.choices
    )
    complainant_email = models.EmailField(_("e-mail del reclamante"), blank=True)
    complainant_address = models.CharField(
        _("indirizzo del reclamante"), max_length=300, blank=True
    )
    complainant_tax_code = models.CharField(
        _("codice fiscale o partita IVA del reclamante"), max_length=16, blank=True
    )
    # The language the complainant wrote in: his acknowledgement and answer are in it.
    language = models.CharField(max_length=7, default=settings.LANGUAGE_CODE)
    against = models.CharField(
        _("reclamo nei confronti di"), max_length=12, choices=Against.choices
    )
    firm = models.ForeignKey(
        "accounts.Firm",
        verbose_name=_("intermediario"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    insurer = models.ForeignKey(
        "catalog.Insurer",
        verbose_name=_("compagnia"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject_detail = models.CharField(_("persona o ufficio indicato"), max_length=200, blank=True)
    client = models.ForeignKey(
        "clients.Client", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    policy_ref = models.CharField(_("polizza"), max_length=40, blank=True)
    claim_ref = models.CharField(_("sinistro"), max_length=40, blank=True)
    category = models.ForeignKey(Category, verbose_name=_("categoria"), on_delete=models.PROTECT)
    text = models.TextField(_("testo del reclamo"))
    attachments = models.ManyToManyField("documents.StoredFile", blank=True, related_name="+")
    # The MGA's next duty: the answer, or for a complaint about an insurer the forwarding.
    due_on = models.DateField(_("scadenza"))
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.RECEIVED)
    lifecycle = Lifecycle(
        {
            Status.RECEIVED: {Status.ASSIGNED, Status.FORWARDED},
            Status.ASSIGNED: {Status.ASSIGNED, Status.FORWARDED, Status.ANSWERED},
            Status.FORWARDED: set(),
            Status.ANSWERED: set(),
        },
        noun=_("Il reclamo"),
        audit="complaint",
        versioned=True,
        stale=_("Il reclamo è stato modificato da un altro utente: ricarica la pagina."),
    )
    version = models.PositiveIntegerField(default=1)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assegnato a"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # What the outbox was given; whether it went out is the message's own status.
    acknowledgement = models.ForeignKey(
        "notify.OutboundMessage", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    forwarded_on = models.DateField(_("inoltrato il"), null=True, blank=True)
    forwarded_to = models.EmailField(_("inoltrato a"), blank=True)
    forward_message = models.ForeignKey(
        "notify.OutboundMessage", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    forward_notice = models.ForeignKey(
        "notify.OutboundMessage", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("esito"), max_length=8, choices=Outcome.choices, blank=True)
    amount = models.DecimalField(
        _("importo riconosciuto"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    answer = models.TextField(_("risposta"), blank=True)
    answered_on = models.DateField(_("risposto il"), null=True, blank=True)
    answer_message = models.ForeignKey(
        "notify.OutboundMessage", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reclamo")
        verbose_name_plural = _("reclami")
        indexes = [
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["received_on"]),
            models.Index(fields=["firm", "received_on"]),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    def days_left(self, today: datetime.date | None = None) -> int:
        return (self.due_on - (today or timezone.localdate())).days

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.is_open and self.days_left(today) < 0

    def is_near_due(self, today: datetime.date | None = None) -> bool:
        """From the 30th day after receipt until the deadline (the brief's day-30 alert)."""
        return self.is_open and 0 <= self.days_left(today) <= self.ANSWER_DAYS - self.WARN_DAYS

    @property
    def to_forward(self) -> bool:
        return self.against == self.Against.INSURER

    @property
    def days_elapsed(self) -> int:
        """Days from receipt to the answer (or the forwarding), or to today while open."""
        end = self.answered_on or self.forwarded_on or timezone.localdate()
        return (end - self.received_on).days


def due_date(received_on: datetime.date, against: str) -> datetime.date:
    """The answer 45 calendar days from the day the complaint was received; a complaint about
    an insurer is forwarded within `FORWARD_DAYS`."""
    days = Complaint.FORWARD_DAYS if against == Complaint.Against.INSURER else Complaint.ANSWER_DAYS
    return received_on + datetime.timedelta(days=days)


# What every answer says (brief §6 and §0: IVASS, and the Arbitro Assicurativo since 15/01/2026).
RIGHTS_NOTICE = _(
    "Se non è soddisfatto della risposta, o non l'ha ricevuta entro 45 giorni, può rivolgersi "
    "all'IVASS, Via del Quirinale 21, 00187 Roma, con il modulo «Allegato 2» pubblicato su "
    "www.ivass.it, allegando il reclamo e l'eventuale risposta; oppure, entro 12 mesi dal "
    "reclamo, all'Arbitro Assicurativo, il sistema di risoluzione stragiudiziale delle "
    "controversie istituito presso l'IVASS (informazioni su www.ivass.it)."
)
