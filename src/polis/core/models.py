from django.db import models


class Counter(models.Model):
    """The last number handed out in a series (e.g. "RCP-2026"): gap-free, one row a series."""

    series = models.CharField(max_length=40, unique=True)
    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "contatore"
        verbose_name_plural = "contatori"

    def __str__(self) -> str:
        return f"{self.series}: {self.value}"
