from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polis.lifecycle import Lifecycle


class LegalHold(models.Model):
    """A legal hold entered by an operator (an authority's request, a dispute): while it is
    active nothing of the client's records is purged, whatever its period."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("In vigore")
        RELEASED = "released", _("Revocato")

    class Reason(models.TextChoices):
        AUTHORITY = "authority", _("Richiesta dell'autorità (IVASS, Garante, giudiziaria)")
        DISPUTE = "dispute", _("Contenzioso")
        COMPLAINT = "complaint", _("Reclamo")

    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("motivo"), max_length=9, choices=Reason.choices)
    reference = models.CharField(_("riferimento (protocollo, numero)"), max_length=100)
    note = models.TextField(_("note"), blank=True)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(default=timezone.now)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    lifecycle = Lifecycle(
        {Status.ACTIVE: {Status.RELEASED}, Status.RELEASED: set()},
        noun=_("Il blocco legale"),
        audit="legal_hold",
    )

    class Meta:
        verbose_name = _("blocco legale")
        verbose_name_plural = _("blocchi legali")
        indexes = [models.Index(fields=["status", "client"])]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.reference}"


class PurgeRun(models.Model):
    """One run of the retention job: what it purged, by record class (`PurgeLine`)."""

    as_of = models.DateField(_("data di riferimento"))
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    held_clients = models.PositiveIntegerField(_("clienti sotto blocco legale"), default=0)

    class Meta:
        verbose_name = _("esecuzione della conservazione")
        verbose_name_plural = _("esecuzioni della conservazione")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.as_of}"

    @property
    def total(self) -> int:
        return sum(line.count for line in self.lines.all())


class PurgeLine(models.Model):
    """What one run did to one record class, and why: the period and start event in force."""

    run = models.ForeignKey(PurgeRun, on_delete=models.CASCADE, related_name="lines")
    record_class = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    action = models.CharField(max_length=12)
    months = models.PositiveIntegerField()
    start_event = models.CharField(max_length=200)
    source = models.CharField(max_length=200)
    unconfirmed = models.BooleanField(default=False)
    cutoff = models.DateField()
    count = models.PositiveIntegerField(default=0)
    batches = models.PositiveIntegerField(default=0)
    # The longest batch's transaction: at most how long its rows were locked.
    longest_batch_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["record_class"]

    def __str__(self) -> str:
        return f"{self.record_class}: {self.count}"
