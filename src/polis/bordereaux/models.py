"""The monthly bordereaux to the insurers (Lloyd's Coverholder Reporting Standards v5.2) and
the per-insurer binder data they need that polis does not otherwise hold."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polis.lifecycle import Lifecycle


def last_day_of(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(
        days=1
    )


class Binder(models.Model):
    """The binding authority agreement with an insurer: the references the insurer gave the MGA
    (UMR, agreement number, coverholder PIN, codes). Set by the MGA's staff in the admin; a
    blank one is reported as missing in the bordereau, never invented."""

    insurer = models.OneToOneField(
        "catalog.Insurer", on_delete=models.PROTECT, related_name="+", verbose_name=_("compagnia")
    )
    umr = models.CharField(_("UMR (Unique Market Reference)"), max_length=30, blank=True)
    agreement_number = models.CharField(_("numero dell'accordo"), max_length=30, blank=True)
    coverholder_name = models.CharField(_("nome del coverholder"), max_length=200, blank=True)
    coverholder_pin = models.CharField(_("PIN del coverholder"), max_length=20, blank=True)
    lead_syndicate = models.CharField(_("sindacato leader"), max_length=10, blank=True)
    year_of_account = models.PositiveSmallIntegerField(
        _("anno di sottoscrizione"), null=True, blank=True
    )
    risk_code = models.CharField(_("codice di rischio Lloyd's"), max_length=10, blank=True)
    class_of_business = models.CharField(_("classe di affari"), max_length=60, blank=True)
    type_of_insurance = models.CharField(_("tipo di assicurazione"), max_length=60, blank=True)
    lloyds_platform = models.CharField(_("piattaforma Lloyd's"), max_length=30, blank=True)
    settlement_currency = models.CharField(_("valuta di regolamento"), max_length=3, default="EUR")

    class Meta:
        verbose_name = _("binder")
        verbose_name_plural = _("binder")

    def __str__(self) -> str:
        return self.umr or str(self.insurer)


class Bordereau(models.Model):
    """One insurer's bordereau of one month, of one kind; generating it again replaces it."""

    class Kind(models.TextChoices):
        RISK = "risk", _("Rischi e premi")
        CLAIMS = "claims", _("Sinistri")

    class Status(models.TextChoices):
        COMPLETE = "complete", _("Completo")
        INCOMPLETE = "incomplete", _("Campi obbligatori mancanti")

    insurer = models.ForeignKey(
        "catalog.Insurer", on_delete=models.PROTECT, related_name="+", verbose_name=_("compagnia")
    )
    month = models.DateField(_("mese"))  # its first day
    kind = models.CharField(_("tipo"), max_length=6, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices)
    # A new generation moves it to whatever the mandatory-field check of its rows says.
    lifecycle = Lifecycle(
        {
            Status.COMPLETE: {Status.COMPLETE, Status.INCOMPLETE},
            Status.INCOMPLETE: {Status.COMPLETE, Status.INCOMPLETE},
        },
        noun=_("Il bordereau"),
        audit="bordereau",
        versioned=True,
        stale=_("Il bordereau è stato rigenerato da un altro utente: ricarica la pagina."),
    )
    version = models.PositiveIntegerField(default=1)
    rows = models.PositiveIntegerField(_("righe"), default=0)
    missing = models.PositiveIntegerField(_("campi mancanti"), default=0)
    # {column code: how many rows miss it}; and the first missing cells, for the page.
    missing_by_column = models.JSONField(default=dict, blank=True)
    missing_sample = models.JSONField(default=list, blank=True)
    xlsx = models.ForeignKey("documents.StoredFile", on_delete=models.PROTECT, related_name="+")
    csv = models.ForeignKey("documents.StoredFile", on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(
        "documents.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    generated_at = models.DateTimeField(default=timezone.now)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("bordereau")
        verbose_name_plural = _("bordereaux")
        ordering = ["-month", "insurer__name", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["insurer", "month", "kind"], name="bordereau_one_per_insurer_month_kind"
            ),
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="bordereau_month_first_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.month:%m/%Y}"

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label)

    @property
    def last_day(self) -> datetime.date:
        return last_day_of(self.month)
