from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import models

from polis.audit.context import current_ip
from polis.audit.labels import audit_action
from polis.audit.models import AuditEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from polis.accounts.models import User


def object_label(obj: models.Model) -> str:
    return obj._meta.label_lower


def _event(
    actor: User | AnonymousUser | None, action: str, target: models.Model, data: dict | None
) -> AuditEvent:
    return AuditEvent(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=audit_action(action).value,
        object_type=object_label(target),
        object_id=str(target.pk),
        data=data or {},
        ip_address=current_ip.get(),
    )


def record_audit(
    *,
    actor: User | AnonymousUser | None,
    action: str,
    target: models.Model,
    data: dict | None = None,
) -> None:
    """Append an audit event for `target`; call it inside the service's transaction. `action`
    is one of the app's declared audit actions (`polis.audit.labels`); any other is refused.

    `data` must hold no personal data beyond what the object already holds.
    """
    _event(actor, action, target, data).save()


def record_audits(
    *,
    actor: User | AnonymousUser | None,
    action: str,
    targets: Sequence[models.Model],
    data: dict | None = None,
) -> None:
    """record_audit for many targets at once (batch jobs, lists): one INSERT."""
    AuditEvent.objects.bulk_create(_event(actor, action, target, data) for target in targets)
