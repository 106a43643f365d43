"""The one way a status changes.

Every model with a lifecycle declares it once, beside its `Status` choices:

    Practice.lifecycle = Lifecycle(
        {S.DRAFT: {S.ISSUED, ...}, ...}, noun=_("La pratica"), audit="practice", versioned=True
    )

and services change its status only through `transition()` (or `transition_many()` for a
batch job), which checks the table, bumps the optimistic lock, saves the changed fields and
records the audit event with `from` and `to` (the service's action, or `<audit>.<to>`: either
one of the app's declared audit actions, `polis.audit.labels`). `lock()` and `save_versioned()`
are the optimistic lock for the same models when a service changes something other than the
status.
`tests/test_lifecycle.py` scans the code for any other status write.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import models
from django.db.models import F
from django.utils.translation import gettext as _

from polis.audit.labels import AuditActions, audit_action
from polis.audit.services import record_audit, record_audits
from polis.core.errors import DomainError, InvalidTransition


class StaleVersion(DomainError):
    """Someone changed the object since the page that asks for the change was rendered."""

    code = "stale_version"


@dataclass(frozen=True)
class Lifecycle:
    """A model's statuses and the moves between them.

    `noun` opens the refusal ("La pratica è «Emessa»: non può passare a …"); `audit` prefixes
    the audit action (`practice.issued`); `versioned` models carry an optimistic-lock `version`.
    """

    transitions: Mapping[str, Iterable[str]]
    noun: str
    audit: str
    versioned: bool = False
    # "La pratica è stata modificata da un altro utente: ricarica la pagina." (versioned only)
    stale: str = ""
    status_field: str = "status"
    _table: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        table = {str(k): frozenset(str(t) for t in v) for k, v in self.transitions.items()}
        missing = {t for targets in table.values() for t in targets} - table.keys()
        if missing:
            raise ValueError(f"statuses without a row in the table: {sorted(missing)}")
        object.__setattr__(self, "_table", table)

    def targets(self, current: str) -> frozenset[str]:
        """Where an object in `current` may go."""
        return self._table[str(current)]

    def allows(self, current: str, to: str) -> bool:
        return str(to) in self._table[str(current)]

    def sources(self, to: str) -> frozenset[str]:
        """The statuses from which `to` can be reached."""
        return frozenset(s for s, targets in self._table.items() if str(to) in targets)


def move_action(lifecycle: Lifecycle, to: str, action: AuditActions | None = None) -> AuditActions:
    """The audit action of a move to `to`: the service's `action`, else `<audit>.<to>`; either
    must be declared by an app (`polis.audit.labels`), or the move is refused before it is made."""
    return audit_action(action or f"{lifecycle.audit}.{to}")


def lifecycle_of(obj_or_model) -> Lifecycle:
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    return model.lifecycle


def _label(model: type[models.Model], status: str) -> str:
    return str(model.Status(status).label)


def check_transition(obj: models.Model, to: str) -> None:
    """Refuse, with the user-facing reason, a move the object's table does not allow."""
    lifecycle = lifecycle_of(obj)
    current = getattr(obj, lifecycle.status_field)
    if not lifecycle.allows(current, to):
        model = type(obj)
        raise InvalidTransition(
            _("%(noun)s è «%(current)s»: non può passare a «%(wanted)s».")
            % {
                "noun": lifecycle.noun,
                "current": _label(model, current),
                "wanted": _label(model, to),
            }
        )


def transition(
    obj: models.Model,
    to: str,
    *,
    actor,
    fields: Iterable[str] = (),
    action: AuditActions | None = None,
    data: dict | None = None,
) -> str:
    """Move `obj` to status `to`: check the table, bump the version, save the status and the
    other changed `fields`, and audit `action` (default `<audit>.<to>`) with `from` and `to`.

    Call it inside the service's transaction, on a row the service locked. Returns the status
    the object left.
    """
    lifecycle = lifecycle_of(obj)
    check_transition(obj, to)
    name = move_action(lifecycle, to, action)
    before = str(getattr(obj, lifecycle.status_field))
    setattr(obj, lifecycle.status_field, to)
    save_versioned(obj, lifecycle.status_field, *fields)
    record_audit(
        actor=actor,
        action=name,
        target=obj,
        data={"from": before, "to": str(to), **(data or {})},
    )
    return before


def transition_many(
    queryset: models.QuerySet, to: str, *, actor, action: AuditActions | None = None
) -> int:
    """A batch job's `transition()`: move every row of `queryset` that may reach `to` there,
    in one UPDATE, and audit each. Rows in a status that cannot reach `to` are left alone."""
    model = queryset.model
    lifecycle = lifecycle_of(model)
    audited = move_action(lifecycle, to, action)
    name = lifecycle.status_field
    rows = list(
        queryset.filter(**{f"{name}__in": lifecycle.sources(to)})
        .select_for_update()
        .only("pk", name)
    )
    if not rows:
        return 0
    changes = {name: to}
    if lifecycle.versioned:
        changes["version"] = F("version") + 1
    model.objects.filter(pk__in=[row.pk for row in rows]).update(**changes)
    for before in {str(getattr(row, name)) for row in rows}:
        record_audits(
            actor=actor,
            action=audited,
            targets=[row for row in rows if str(getattr(row, name)) == before],
            data={"from": before, "to": str(to)},
        )
    return len(rows)


def lock(obj: models.Model, version: int | None = None):
    """The object's row, locked for the rest of the transaction; refused with `StaleVersion`
    when `version` (the one the page showed) is no longer the row's."""
    locked = type(obj).objects.select_for_update().get(pk=obj.pk)
    if version is not None and locked.version != version:
        raise StaleVersion(str(lifecycle_of(obj).stale))
    return locked


def save_versioned(obj: models.Model, *fields: str) -> None:
    """Save `fields` of an existing object, bumping its optimistic lock when it has one."""
    update = list(dict.fromkeys(fields))
    if lifecycle_of(obj).versioned:
        obj.version += 1
        update.append("version")
    obj.save(update_fields=update)
