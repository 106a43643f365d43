from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.db import transaction
from django.http import FileResponse

from polis.audit.services import record_audit
from polis.documents.audit import DocumentAudit
from polis.documents.models import StoredFile
from polis.documents.validation import ValidatedFile, validate_upload

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from polis.accounts.models import User


def store_upload(*, actor: User | AnonymousUser | None, name: str, data: bytes) -> StoredFile:
    """Validate an upload by its content and store it; raises DomainError and stores nothing."""
    return store_file(actor=actor, validated=validate_upload(name=name, data=data))


def store_file(*, actor: User | AnonymousUser | None, validated: ValidatedFile) -> StoredFile:
    """Store validated content (an upload or a PDF the platform generated) with its SHA-256.

    The bytes are written before the row commits: a rolled-back transaction can leave an
    unreferenced object in storage, never a row without its file.
    """
    with transaction.atomic():
        stored = StoredFile(
            name=validated.name,
            content_type=validated.content_type,
            size=validated.size,
            sha256=validated.sha256,
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        stored.file.save(validated.name, ContentFile(validated.content), save=False)
        stored.save()
        record_audit(actor=actor, action=DocumentAudit.STORED, target=stored)
        return stored


def open_download(*, actor: User, stored: StoredFile, inline: bool = False) -> FileResponse:
    """Serve a stored file the caller has already authorized, and log who opened it."""
    with transaction.atomic():
        record_audit(actor=actor, action=DocumentAudit.DOWNLOADED, target=stored)
    response = FileResponse(
        stored.file.open("rb"),
        as_attachment=not inline,
        filename=stored.name,
        content_type=stored.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def delete_files(files: Iterable[StoredFile]) -> None:
    """Delete stored files: their rows now, their bytes once the transaction commits (a
    rollback keeps both). The caller has detached them from what pointed to them."""
    for stored in files:
        transaction.on_commit(partial(stored.file.storage.delete, stored.file.name))
        stored.delete()
