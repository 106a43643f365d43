from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polis.lifecycle import Lifecycle


class ImportBatch(models.Model):
    """One upload of a firm's existing portfolio (clients and policies): checked first (the dry
    run, which writes nothing but its report), then imported on confirmation, row by row."""

    class Status(models.TextChoices):
        VALIDATING = "validating", _("Verifica in corso")
        REFUSED = "refused", _("File rifiutato")
        VALIDATED = "validated", _("Verificato: da confermare")
        IMPORTING = "importing", _("Importazione in corso")
        DONE = "done", _("Importato")
        CANCELLED = "cancelled", _("Annullato")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    firm = models.ForeignKey("accounts.Firm", on_delete=models.PROTECT, related_name="+")
    # The uploaded file, with its name and SHA-256 (the same file is recognised by it).
    file = models.ForeignKey("documents.StoredFile", on_delete=models.PROTECT, related_name="+")
    format = models.CharField(max_length=4, choices=Format.choices)
    # A CSV's text encoding, as recognised at upload ("utf-8-sig" or "cp1252").
    encoding = models.CharField(max_length=10, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.VALIDATING)
    lifecycle = Lifecycle(
        {
            Status.VALIDATING: {Status.VALIDATED, Status.REFUSED},
            Status.VALIDATED: {Status.IMPORTING, Status.CANCELLED},
            Status.IMPORTING: {Status.DONE},
            Status.REFUSED: set(),
            Status.DONE: set(),
            Status.CANCELLED: set(),
        },
        noun=_("L'importazione"),
        audit="portfolio_import",
        versioned=True,
        stale=_("L'importazione è stata modificata da un altro utente: ricarica la pagina."),
    )
    version = models.PositiveIntegerField(default=1)
    # Why the whole file was refused (a hostile or unreadable file), in Italian.
    message = models.CharField(max_length=300, blank=True)
    # Counters: rows read, rows with errors / warnings, rows handled by the import (progress),
    # and what the import did.
    total_rows = models.PositiveIntegerField(default=0)
    error_rows = models.PositiveIntegerField(default=0)
    warning_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_policies = models.PositiveIntegerField(default=0)
    created_clients = models.PositiveIntegerField(default=0)
    skipped_rows = models.PositiveIntegerField(default=0)
    failed_rows = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("importazione del portafoglio")
        verbose_name_plural = _("importazioni del portafoglio")
        indexes = [
            models.Index(fields=["firm", "-created_at"], name="import_firm_created"),
            models.Index(fields=["-created_at"], name="import_created"),
        ]

    def __str__(self) -> str:
        return f"{self.file.name} ({self.created_at:%d/%m/%Y})"

    @property
    def valid_rows(self) -> int:
        return self.total_rows - self.error_rows

    @property
    def progress(self) -> int:
        """Percentage of the import done (of the rows without errors)."""
        if self.status == self.Status.DONE:
            return 100
        return min(100, self.processed_rows * 100 // self.valid_rows) if self.valid_rows else 0


class ImportRow(models.Model):
    """One row of an uploaded file: its cells as read, what the check found, and what the
    import did with it."""

    class Outcome(models.TextChoices):
        PENDING = "", _("Da importare")
        CREATED = "created", _("Importata")
        SKIPPED = "skipped", _("Già presente: saltata")
        FAILED = "failed", _("Non importata")
        INVALID = "invalid", _("Con errori: esclusa")

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveIntegerField(_("riga"))  # as a spreadsheet numbers it (header = 1)
    cells = models.JSONField()  # {column: text}
    # [{"field": column, "message": text}]
    errors = models.JSONField(default=list)
    warnings = models.JSONField(default=list)
    # Has errors or warnings: the report lists these rows.
    flagged = models.BooleanField(default=False)
    outcome = models.CharField(max_length=7, choices=Outcome.choices, blank=True)
    outcome_message = models.CharField(max_length=300, blank=True)
    practice = models.ForeignKey(
        "practices.Practice", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["batch", "number"], name="import_row_once"),
        ]
        indexes = [
            models.Index(fields=["batch", "flagged", "number"], name="import_row_flagged"),
            models.Index(fields=["batch", "outcome", "number"], name="import_row_outcome"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.number}"
