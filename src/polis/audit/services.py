from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from django.db import models

from polis.audit.context import current_api_key, current_ip
from polis.audit.labels import audit_action
from polis.audit.models import AuditEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet

    from polis.accounts.models import User


# Called with (action, targets) for the events recorded, inside their transaction (a batch
# once): how the webhooks (polis.integrations) learn of a business event without the services
# knowing them.
_OBSERVERS: list[Callable[[str, Sequence[models.Model]], None]] = []


def register_audit_observer(observer: Callable[[str, Sequence[models.Model]], None]) -> None:
    if observer not in _OBSERVERS:
        _OBSERVERS.append(observer)


def _observe(action: str, targets: Sequence[models.Model]) -> None:
    for observer in _OBSERVERS:
        observer(action, targets)


def object_label(obj: models.Model) -> str:
    return obj._meta.label_lower


def _event(
    actor: User | AnonymousUser | None, action: str, target: models.Model, data: dict | None
) -> AuditEvent:
    key = current_api_key.get()
    return AuditEvent(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=audit_action(action).value,
        object_type=object_label(target),
        object_id=str(target.pk),
        # a call made with an API key is audited with the key's name
        data={**(data or {}), "api_key": key} if key else data or {},
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
    event = _event(actor, action, target, data)
    event.save()
    _observe(event.action, [target])


def record_audits(
    *,
    actor: User | AnonymousUser | None,
    action: str,
    targets: Sequence[models.Model],
    data: dict | None = None,
) -> None:
    """record_audit for many targets at once (batch jobs, lists): one INSERT."""
    if not targets:
        return
    AuditEvent.objects.bulk_create(_event(actor, action, target, data) for target in targets)
    _observe(audit_action(action).value, targets)


def forget_addresses(events: QuerySet[AuditEvent]) -> int:
    """The retention job (`polis.audit.retention`): forget the address the events came from."""
    return events.update(ip_address=None)
