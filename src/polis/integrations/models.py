"""API keys (a secret that acts as its owner, narrowed by scopes) and webhook subscriptions with
their outbox of deliveries."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    """What a key may call; the API operations each name the scope they need (`api.scopes`)."""

    QUOTES_READ = "quotes:read", _("Leggere prodotti e preventivi, calcolare premi")
    QUOTES_WRITE = "quotes:write", _("Creare preventivi")
    POLICIES_READ = "policies:read", _("Leggere pratiche e polizze")
    POLICIES_WRITE = "policies:write", _("Creare ed emettere pratiche")
    CLAIMS_READ = "claims:read", _("Leggere sinistri e documenti")
    CLAIMS_WRITE = "claims:write", _("Aprire e lavorare sinistri")


class Owned(models.Model):
    """What a key and a webhook share: a name, the user whose rights they carry (no more),
    the one insurer they are narrowed to when set, and who created them when."""

    name = models.CharField(_("nome"), max_length=80)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="%(class)ss",
        verbose_name=_("con i permessi di"),
    )
    insurer = models.ForeignKey(
        "catalog.Insurer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("solo la compagnia"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]


class ApiKey(Owned):
    """A secret shown once: only its prefix (to find it) and an HMAC of it are kept. A call
    with it acts as `user`, with that user's rights, further narrowed by `scopes` and, when
    set, to the claims and policies of one `insurer`."""

    prefix = models.CharField(max_length=12, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(_("permessi"), default=list)
    expires_at = models.DateTimeField(_("scade il"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The key this one replaced by a rotation (that one stays valid for the grace period).
    replaces = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replaced_by"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta(Owned.Meta):
        verbose_name = _("chiave API")
        verbose_name_plural = _("chiavi API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    def get_absolute_url(self) -> str:
        return reverse("integrations:key_detail", args=[self.pk])

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def state_label(self) -> str:
        if self.revoked_at is not None:
            return str(_("Revocata"))
        if self.expires_at <= timezone.now():
            return str(_("Scaduta"))
        if hasattr(self, "replaced_by"):
            return str(_("Ruotata: valida fino alla scadenza"))
        return str(_("Attiva"))


class WebhookSubscription(Owned):
    """An HTTPS endpoint and the events it wants, for what `user` may see (narrowed to one
    `insurer` when set). The secret signs the deliveries, so it is kept (not hashed)."""

    url = models.URLField(_("indirizzo HTTPS"), max_length=500)
    events = models.JSONField(_("eventi"), default=list)
    secret = models.CharField(max_length=80, editable=False)
    consecutive_failures = models.PositiveIntegerField(default=0)
    # Set when disabled (by its owner, or after too many failures in a row): its deliveries wait.
    disabled_at = models.DateTimeField(null=True, blank=True)

    class Meta(Owned.Meta):
        verbose_name = _("webhook")
        verbose_name_plural = _("webhook")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("integrations:webhook_detail", args=[self.pk])

    @property
    def active(self) -> bool:
        return self.disabled_at is None


class WebhookEvent(models.Model):
    """One business event, once: its `uuid` is the `webhook-id` of every delivery of it (the
    receivers' idempotency key). `subject` orders the deliveries (`claims.claim:12`)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(max_length=40)
    subject = models.CharField(max_length=80)
    payload = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.type} {self.subject}"


class WebhookDelivery(models.Model):
    """One event to one subscription: outbox bookkeeping (`pending` → `delivered` | `failed`),
    like `notify.OutboundMessage`, not a business lifecycle."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Da consegnare")
        DELIVERED = "delivered", _("Consegnato")
        FAILED = "failed", _("Non consegnato")

    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "subscription"], name="one_delivery_per_event")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription} ({self.status})"


class WebhookAttempt(models.Model):
    """The delivery log: each call made, with the answer's status and the start of its body."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField(default=timezone.now)
    response_status = models.PositiveSmallIntegerField(null=True)
    response_excerpt = models.CharField(max_length=500, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.response_status or self.error}"

    @property
    def succeeded(self) -> bool:
        return self.response_status is not None and 200 <= self.response_status < 300
