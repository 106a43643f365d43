import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polis.core.retention import add_months
from polis.lifecycle import Lifecycle

__all__ = ["DataSubjectRequest", "add_months"]


class DataSubjectRequest(models.Model):
    """A client's request under GDPR art. 15–22, as registered by the MGA or the client's firm.

    The register keeps what was asked, when and how the person was identified, the deadline and
    the answer; of the export it keeps only the SHA-256 hashes, never the data itself.
    """

    class Kind(models.TextChoices):
        ACCESS = "access", _("Accesso (art. 15)")
        RECTIFICATION = "rectification", _("Rettifica (art. 16)")
        ERASURE = "erasure", _("Cancellazione (art. 17)")
        RESTRICTION = "restriction", _("Limitazione (art. 18)")
        PORTABILITY = "portability", _("Portabilità (art. 20)")
        OBJECTION = "objection", _("Opposizione (art. 21)")

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        PEC = "pec", _("PEC")
        POST = "post", _("Raccomandata / posta")
        IN_PERSON = "in_person", _("Di persona, in agenzia")
        PHONE = "phone", _("Telefono")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Ricevuta")
        EXTENDED = "extended", _("Prorogata")
        ANSWERED = "answered", _("Evasa")

    class Outcome(models.TextChoices):
        FULFILLED = "fulfilled", _("Accolta")
        REFUSED = "refused", _("Non accolta: obbligo di conservazione")

    OPEN = (Status.RECEIVED, Status.EXTENDED)
    # Art. 12(3): one month from receipt, extendable by two further months.
    MONTHS, EXTENSION_MONTHS = 1, 2

    firm = models.ForeignKey("accounts.Firm", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="privacy_requests"
    )
    kind = models.CharField(_("diritto esercitato"), max_length=13, choices=Kind.choices)
    channel = models.CharField(_("canale"), max_length=9, choices=Channel.choices)
    received_on = models.DateField(_("data di ricezione"))
    identity_check = models.CharField(_("verifica dell'identità"), max_length=200)
    details = models.TextField(_("dettagli della richiesta"), blank=True)
    due_on = models.DateField(_("scadenza"))
    extension_reason = models.TextField(_("motivo della proroga"), blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.RECEIVED)
    lifecycle = Lifecycle(
        {
            Status.RECEIVED: {Status.EXTENDED, Status.ANSWERED},
            Status.EXTENDED: {Status.ANSWERED},
            Status.ANSWERED: set(),
        },
        noun=_("La richiesta"),
        audit="privacy_request",
        versioned=True,
        stale=_("La richiesta è stata modificata da un altro utente: ricarica la pagina."),
    )
    version = models.PositiveIntegerField(default=1)
    outcome = models.CharField(max_length=9, choices=Outcome.choices, blank=True)
    answer = models.TextField(_("risposta"), blank=True)
    answered_on = models.DateField(null=True, blank=True)
    export_json_sha256 = models.CharField(max_length=64, blank=True)
    export_pdf_sha256 = models.CharField(max_length=64, blank=True)
    exported_at = models.DateTimeField(null=True, blank=True)
    # The files behind the person's link; the register itself reads only the hashes above.
    export_json = models.ForeignKey(
        "documents.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    export_pdf = models.ForeignKey(
        "documents.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("richiesta dell'interessato")
        verbose_name_plural = _("richieste degli interessati")
        indexes = [
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["firm", "status", "due_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.is_open and self.due_on < (today or timezone.localdate())

    @property
    def wants_export(self) -> bool:
        return self.kind in (self.Kind.ACCESS, self.Kind.PORTABILITY)

    @property
    def wants_erasure(self) -> bool:
        return self.kind in (self.Kind.ERASURE, self.Kind.RESTRICTION)
