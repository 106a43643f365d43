from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Thread(models.Model):
    """Comunicazioni between one firm and the MGA, about a subject (a practice, a claim…)
    or general. The subject is named by type and id: this app imports no domain."""

    firm = models.ForeignKey("accounts.Firm", on_delete=models.PROTECT, related_name="threads")
    subject_type = models.CharField(max_length=40, default="general")
    subject_id = models.CharField(max_length=40, blank=True)
    title = models.CharField(_("oggetto"), max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(default=timezone.now)
    open_requests = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("conversazione")
        verbose_name_plural = _("conversazioni")
        indexes = [
            models.Index(fields=["firm", "-last_message_at"]),
            models.Index(fields=["subject_type", "subject_id"]),
        ]

    def __str__(self) -> str:
        return self.title


class Message(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_mga = models.BooleanField()
    body = models.TextField(_("messaggio"))
    # A "richiesta" from the MGA waits for the firm's answer and shows as a to-do.
    is_request = models.BooleanField(_("richiede una risposta"), default=False)
    answered_at = models.DateTimeField(null=True, blank=True)
    # Closed by the MGA without an answer: its subject no longer needs one (e.g. declined).
    withdrawn = models.BooleanField(default=False)
    attachments = models.ManyToManyField("documents.StoredFile", blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="only_mga_requests",
                condition=models.Q(is_request=False) | models.Q(from_mga=True),
            ),
        ]

    def __str__(self) -> str:
        return self.body[:50]


class ReadMarker(models.Model):
    """Up to when a user has read a thread (unread counters)."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="one_marker")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.thread_id} at {self.read_at:%Y-%m-%d %H:%M}"
