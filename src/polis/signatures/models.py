"""FEA by SMS code (DESIGN §6): signers, signature requests, one-time codes, evidence."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polis.lifecycle import Lifecycle


class Signer(models.Model):
    """A person who signs with our FEA, keyed by codice fiscale across requests and firms.

    Holds what must outlive a single request: the first acceptance of the service (adesione),
    a withdrawal of consent, and the failure count that bounds guessing across requests.
    """

    codice_fiscale = models.CharField(_("codice fiscale"), max_length=16, unique=True)
    adhered_at = models.DateTimeField(_("adesione al servizio FEA"), null=True, blank=True)
    adhesion_version = models.CharField(max_length=20, blank=True)
    withdrawn_at = models.DateTimeField(_("consenso FEA revocato il"), null=True, blank=True)
    failures = models.PositiveIntegerField(_("codici errati"), default=0)

    class Meta:
        verbose_name = _("firmatario")
        verbose_name_plural = _("firmatari")

    def __str__(self) -> str:
        return self.codice_fiscale


class SignatureRequest(models.Model):
    class Status(models.TextChoices):
        SENT = "sent", _("Inviata")
        OPENED = "opened", _("Aperta")
        CODE_SENT = "code_sent", _("Codice inviato")
        LOCKED = "locked", _("Bloccata")
        SIGNED = "signed", _("Firmata")
        DECLINED = "declined", _("Rifiutata dal firmatario")
        EXPIRED = "expired", _("Scaduta")
        VOIDED = "voided", _("Annullata")

    OPEN = (Status.SENT, Status.OPENED, Status.CODE_SENT)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    firm = models.ForeignKey("accounts.Firm", on_delete=models.PROTECT, related_name="+")
    # What is being signed, for the owning domain's handler (registry.py): e.g. ("practice", 12).
    subject_kind = models.CharField(max_length=30)
    subject_id = models.PositiveBigIntegerField()
    title = models.CharField(_("documento"), max_length=200)
    document = models.ForeignKey("documents.StoredFile", on_delete=models.PROTECT, related_name="+")
    signer = models.ForeignKey(Signer, on_delete=models.PROTECT, related_name="requests")
    signer_name = models.CharField(_("firmatario"), max_length=200)
    signer_email = models.EmailField(_("e-mail"))
    signer_mobile = models.CharField(_("cellulare"), max_length=20)
    # The client's language on file: his page, e-mails and SMS speak it.
    signer_language = models.CharField(max_length=7, default=settings.LANGUAGE_CODE)
    identity_document = models.ForeignKey(
        "documents.StoredFile",
        verbose_name=_("documento d'identità"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    identified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The link's token is HMAC(SECRET_KEY, nonce): reminders can rebuild the link, while the
    # database alone (nonce, SHA-256 of the token) cannot.
    link_nonce = models.CharField(max_length=32)
    token_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENT)
    # Resending the link (to "sent") reopens a locked or expired request; signed, declined
    # and voided are final.
    lifecycle = Lifecycle(
        {
            Status.SENT: {
                Status.SENT,
                Status.OPENED,
                Status.CODE_SENT,
                Status.DECLINED,
                Status.EXPIRED,
                Status.VOIDED,
            },
            Status.OPENED: {
                Status.SENT,
                Status.CODE_SENT,
                Status.DECLINED,
                Status.EXPIRED,
                Status.VOIDED,
            },
            Status.CODE_SENT: {
                Status.SENT,
                Status.CODE_SENT,
                Status.SIGNED,
                Status.LOCKED,
                Status.DECLINED,
                Status.EXPIRED,
                Status.VOIDED,
            },
            Status.LOCKED: {Status.SENT, Status.VOIDED},
            Status.EXPIRED: {Status.SENT},
            Status.SIGNED: set(),
            Status.DECLINED: set(),
            Status.VOIDED: set(),
        },
        noun=_("La richiesta di firma"),
        audit="signature",
    )
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    failures = models.PositiveSmallIntegerField(_("codici errati"), default=0)
    declarations_accepted_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(max_length=500, blank=True)
    decline_attachments = models.ManyToManyField(
        "documents.StoredFile", blank=True, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_document = models.ForeignKey(
        "documents.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    report = models.ForeignKey(
        "documents.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("richiesta di firma")
        verbose_name_plural = _("richieste di firma")
        indexes = [
            models.Index(fields=["subject_kind", "subject_id"]),
            models.Index(fields=["status", "sent_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.title} — {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def is_declined(self) -> bool:
        return self.status == self.Status.DECLINED

    @property
    def masked_mobile(self) -> str:
        """ "+39 *** *** 123": what the signer and the evidence see of the number."""
        number = self.signer_mobile
        prefix = "+39" if number.startswith("+39") else number[:3]
        return f"{prefix} *** *** {number[-3:]}"


class SignatureCode(models.Model):
    """A one-time SMS code: stored as a keyed hash, valid a few minutes, used once.

    A signing code signs; an access code proves the signer holds the phone when the link alone
    no longer suffices (a signed document after its days, the evidence report, withdrawal).
    """

    class Purpose(models.TextChoices):
        SIGN = "sign", _("Firma")
        ACCESS = "access", _("Accesso")

    request = models.ForeignKey(SignatureRequest, on_delete=models.CASCADE, related_name="codes")
    purpose = models.CharField(max_length=6, choices=Purpose.choices, default=Purpose.SIGN)
    # wrong entries of an access code (a signing code's are counted on its request)
    failures = models.PositiveSmallIntegerField(default=0)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    superseded = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["request", "-created_at"])]

    def __str__(self) -> str:
        return f"codice del {self.created_at:%d/%m/%Y %H:%M}"


EVIDENCE_LABELS = {
    "identification_attested": _("Identificazione del firmatario attestata"),
    "identification_reused": _("Identificazione ripresa da una firma precedente"),
    "email_sent": _("E-mail con il link inviata"),
    "email_resent": _("Nuovo link inviato"),
    "link_opened": _("Link aperto"),
    "document_viewed": _("Documento visualizzato"),
    "disclosure_viewed": _("Documento precontrattuale visualizzato"),
    "documents_acknowledged": _("Ricevuta e lettura dei documenti precontrattuali dichiarate"),
    "fea_adhesion": _("Adesione al servizio FEA"),
    "declarations_accepted": _("Condizioni accettate"),
    "code_sent": _("Codice inviato via SMS"),
    "code_wrong": _("Codice errato"),
    "code_burned": _("Codice annullato per troppi errori"),
    "locked": _("Richiesta bloccata"),
    "signed": _("Firma apposta"),
    "declined": _("Firma rifiutata"),
    "voided": _("Richiesta annullata"),
    "expired": _("Link scaduto"),
    "reminder_sent": _("Promemoria inviato"),
    "consent_withdrawn": _("Consenso FEA revocato"),
    "access_code_sent": _("Codice di accesso inviato via SMS"),
    "access_code_wrong": _("Codice di accesso errato"),
    "access_verified": _("Accesso verificato con codice SMS"),
}


# The evidence report tells each step as a sentence for a person (%(...)s from the step's data).
EVIDENCE_SENTENCES = {
    "identification_attested": _(
        "%(by)s ha attestato di aver identificato il firmatario con il documento d'identità "
        "conservato (impronta SHA-256 %(identity_document_sha256)s)."
    ),
    "identification_reused": _(
        "L'identificazione non è stata ripetuta: è ripresa dalla richiesta di firma "
        "%(from_request)s, in cui %(by)s ha attestato di aver identificato il firmatario con il "
        "documento d'identità conservato (impronta SHA-256 %(identity_document_sha256)s). La "
        "richiesta è stata inviata da %(sent_by)s."
    ),
    "email_sent": _(
        "La richiesta di firma è stata inviata per e-mail al firmatario, con il documento "
        "di impronta SHA-256 %(document_sha256)s."
    ),
    "email_resent": _("%(by)s ha inviato al firmatario un nuovo link."),
    "link_opened": _("Il firmatario ha aperto il link."),
    "document_viewed": _(
        "Il firmatario ha visualizzato il documento (impronta SHA-256 %(sha256)s)."
    ),
    "disclosure_viewed": _(
        "Il firmatario ha aperto il documento «%(title)s» (impronta SHA-256 %(sha256)s)."
    ),
    "documents_acknowledged": _(
        "Il firmatario ha dichiarato: «%(statement)s» Documenti: %(documents)s."
    ),
    "fea_adhesion": _(
        "Il firmatario ha aderito al servizio di firma elettronica avanzata (condizioni "
        "versione %(version)s)."
    ),
    "declarations_accepted": _(
        "Il firmatario ha accettato le condizioni del servizio (versione %(version)s)."
    ),
    "code_sent": _("È stato inviato via SMS un codice di firma al numero %(to)s."),
    "code_wrong": _("È stato inserito un codice errato (errori finora: %(failures)s)."),
    "code_burned": _("Il codice è stato annullato dopo troppi tentativi errati."),
    "locked": _("La richiesta è stata bloccata per troppi codici errati."),
    "signed": _(
        "Il firmatario ha inserito il codice corretto e il documento è stato firmato; il "
        "documento firmato ha impronta SHA-256 %(signed_sha256)s."
    ),
    "declined": _("Il firmatario ha rifiutato di firmare, con questo motivo: «%(reason)s»."),
    "voided": _("La richiesta è stata annullata."),
    "expired": _("Il link è scaduto senza firma."),
    "reminder_sent": _("È stato inviato il promemoria n. %(number)s."),
    "consent_withdrawn": _(
        "Il firmatario ha revocato il consenso alla firma elettronica avanzata."
    ),
    "access_code_sent": _("È stato inviato via SMS un codice di verifica al numero %(to)s."),
    "access_code_wrong": _("È stato inserito un codice di verifica errato."),
    "access_verified": _("Il firmatario ha confermato con il codice di verifica che è lui."),
}


class _Missing(dict):
    def __missing__(self, key):
        return "—"


class Evidence(models.Model):
    """One step of a signature, append-only: the database refuses updates and deletes."""

    request = models.ForeignKey(SignatureRequest, on_delete=models.PROTECT, related_name="evidence")
    kind = models.CharField(max_length=30)
    at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("evidenza di firma")
        verbose_name_plural = _("evidenze di firma")

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M:%S} {self.label}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("signature evidence is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("signature evidence is append-only")

    @property
    def label(self) -> str:
        return EVIDENCE_LABELS.get(self.kind, self.kind)

    @property
    def sentence(self) -> str:
        """The step told for a person, with where it came from."""
        data = _Missing(self.data)
        if isinstance(data.get("documents"), list):
            data["documents"] = "; ".join(
                _("%(title)s, versione %(version)s (impronta SHA-256 %(sha256)s)") % document
                for document in data["documents"]
            )
        text = str(EVIDENCE_SENTENCES.get(self.kind, self.label)) % data
        if self.ip:
            text += " " + str(_("Dall'indirizzo IP %(ip)s") % {"ip": self.ip})
            if self.user_agent:
                text += " " + str(_("con il browser «%(ua)s»") % {"ua": self.user_agent})
            text += "."
        return text
