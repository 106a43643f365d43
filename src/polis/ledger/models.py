"""The public transparency log: entries (the outbox and the log), stored tiles, checkpoints."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LedgerEntry(models.Model):
    """One event. Queued with index NULL in the business transaction; the sequencer numbers it."""

    index = models.BigIntegerField(_("indice"), null=True, blank=True, unique=True)
    type = models.CharField(_("tipo"), max_length=40)
    ref = models.CharField(_("riferimento"), max_length=64)
    # sha256 and leaf_hash are looked up by equality only: migration 0003 indexes them with hash
    # indexes on PostgreSQL (cheaper to insert into than B-trees of random keys).
    sha256 = models.CharField(_("SHA-256 del documento"), max_length=64)
    time = models.DateTimeField(_("registrato il"))
    data = models.TextField(_("voce canonica"))
    leaf_hash = models.CharField(_("hash della foglia"), max_length=64)

    class Meta:
        verbose_name = _("voce del registro")
        verbose_name_plural = _("voci del registro")

    def __str__(self) -> str:
        return f"{self.index}: {self.type} {self.ref}"


class LedgerTile(models.Model):
    """A C2SP tlog-tiles hash tile of height 8: up to 256 hashes of tree level 8 * level."""

    level = models.PositiveSmallIntegerField()
    index = models.BigIntegerField()
    hashes = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["level", "index"], name="ledger_tile_unique"),
        ]

    def __str__(self) -> str:
        return f"tile {self.level}/{self.index}"

    @property
    def width(self) -> int:
        return len(self.hashes) // 32


class LedgerWitness(models.Model):
    """A witness we submit checkpoints to (tlog-witness) and the last size it cosigned."""

    url = models.URLField(unique=True)
    name = models.CharField(max_length=200)
    size = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return self.name


class LedgerCheckpoint(models.Model):
    """A signed checkpoint (C2SP tlog-checkpoint in a signed note) and what was added to it."""

    size = models.BigIntegerField(_("dimensione"), unique=True)
    root_hash = models.CharField(_("radice"), max_length=64)
    note = models.TextField(_("checkpoint firmato"))
    cosignatures = models.TextField(_("cofirme dei testimoni"), blank=True, default="")
    timestamp_token = models.BinaryField(_("marca temporale RFC 3161"), null=True, blank=True)
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)

    class Meta:
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoint")
        ordering = ["-size"]

    def __str__(self) -> str:
        return f"checkpoint {self.size}"

    @property
    def signed_note(self) -> str:
        """The checkpoint with the log's signature followed by the witnesses' cosignatures."""
        return self.note + self.cosignatures
