"""The public transparency log: entry bundles and hash tiles (the log), checkpoints, and the
entries one by one (the outbox and the lookup index)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LedgerEntry(models.Model):
    """One event, for lookups by document or leaf hash, and the outbox.

    A business transaction queues it with index NULL and the sequencer numbers it. Entries
    appended straight to the log (services.append_events) get their row from the follower
    (services.index_entries). The log itself is the bundles: `ledger verify` checks these rows
    against them.
    """

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
        indexes = [
            # The sequencer's queue (entries not numbered yet, in pk order): without it, a plan
            # made before ANALYZE has seen a bulk load walks the primary key of every entry.
            models.Index(
                fields=["id"], condition=models.Q(index__isnull=True), name="ledger_entry_pending"
            ),
        ]

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


class LedgerBundle(models.Model):
    """A C2SP tlog-tiles entry bundle: entries 256N .. 256N+W-1 of the log, as served."""

    index = models.BigIntegerField(primary_key=True)
    data = models.BinaryField()

    def __str__(self) -> str:
        return f"entries {self.index}"


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
    # False until the follower has written the LedgerEntry rows of the entries it added.
    indexed = models.BooleanField(_("voci indicizzate"), default=True)

    class Meta:
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoint")
        ordering = ["-size"]
        indexes = [
            # The follower's next batch: the few checkpoints not indexed yet, by size (not a walk
            # through every checkpoint of the log's history).
            models.Index(
                fields=["size"], condition=models.Q(indexed=False), name="ledger_cp_unindexed"
            ),
        ]

    def __str__(self) -> str:
        return f"checkpoint {self.size}"

    @property
    def signed_note(self) -> str:
        """The checkpoint with the log's signature followed by the witnesses' cosignatures."""
        return self.note + self.cosignatures
