import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboundMessage(models.Model):
    """An e-mail or SMS written in the same transaction as the change that causes it.

    A task delivers it after commit; failures are retried with backoff and end in `failed`,
    visible to administrators, never silently dropped.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("Da inviare")
        SENT = "sent", _("Inviato")
        FAILED = "failed", _("Non recapitato")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    channel = models.CharField(max_length=5, choices=Channel.choices)
    recipient = models.CharField(max_length=254)
    subject = models.CharField(max_length=255, blank=True)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    # The language it was written in (a client's, else Italian): what was sent is what is kept.
    language = models.CharField(max_length=7, default=settings.LANGUAGE_CODE)
    # E-mail only: where the recipient's answer goes (e.g. the collaborator who sent a quote).
    reply_to = models.EmailField(blank=True)
    # E-mail only: the signed unsubscribe link of its footer and of its List-Unsubscribe header,
    # made once when it is written (on the address the sender reached).
    unsubscribe_url = models.CharField(max_length=500, blank=True)
    attachments = models.ManyToManyField("documents.StoredFile", blank=True, related_name="+")
    # Sensitive bodies (signature codes) are blanked once a real provider has them.
    sensitive = models.BooleanField(default=False)
    status = models.CharField(max_length=7, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(max_length=500, blank=True)
    provider_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("messaggio in uscita")
        verbose_name_plural = _("messaggi in uscita")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["channel", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.channel} → {self.recipient} ({self.status})"
