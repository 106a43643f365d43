"""The insured's personal link to one policy or one claim: a page without an account."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InsuredLink(models.Model):
    """A link the agency sends the client: it shows one policy or, when `claim` is set, one
    claim. Like a signing link, the token is HMAC(SECRET_KEY, nonce) and only its SHA-256 is
    stored; it expires, the client renews it with an SMS code, the agency revokes it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    firm = models.ForeignKey("accounts.Firm", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT, related_name="+")
    claim = models.ForeignKey(
        "claims.Claim", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    link_nonce = models.CharField(max_length=32)
    token_hash = models.CharField(max_length=64, unique=True)
    # empty when sent automatically (at issue, at the claim's opening)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The renewal code sent by SMS (keyed hash, as the signing codes) and the wrong entries of
    # codice fiscale, mobile or code, which lock the renewal.
    code_hash = models.CharField(max_length=64, blank=True)
    code_sent_at = models.DateTimeField(null=True, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("link dell'assicurato")
        verbose_name_plural = _("link dell'assicurato")
        indexes = [models.Index(fields=["practice", "claim", "-created_at"])]

    def __str__(self) -> str:
        return f"link {self.uuid}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return not self.is_revoked and not self.is_expired
