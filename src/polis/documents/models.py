import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def storage_path(instance: "StoredFile", filename: str) -> str:
    # Opaque paths: no client names or other personal data in storage keys.
    return f"documents/{timezone.now():%Y/%m}/{instance.uuid.hex}{instance.extension}"


class StoredFile(models.Model):
    """A validated file (upload or generated PDF) with its hash; domains link to it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    file = models.FileField(upload_to=storage_path, max_length=200)
    name = models.CharField(max_length=130)
    content_type = models.CharField(max_length=100)  # an XLSX type has 65 characters
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "file"
        verbose_name_plural = "file"

    def __str__(self) -> str:
        return self.name

    @property
    def extension(self) -> str:
        return "." + self.name.rsplit(".", 1)[-1] if "." in self.name else ""


class AttachedDocument(models.Model):
    """A document a person added to a domain object (a practice, a claim): the subclass adds
    the foreign key to its owner, with `related_name="documents"`."""

    kind = models.CharField(_("documento"), max_length=40)
    label = models.CharField(max_length=200)
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
