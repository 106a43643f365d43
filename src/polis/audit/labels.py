"""The audit actions: each app declares its own once, as an enum whose members carry their
Italian label, and registers it at start-up:

    class PracticeAudit(AuditActions):
        ISSUED = "practice.issued", _("Polizza emessa")

    register_audit_actions(PracticeAudit)   # in PracticesConfig.ready()

Services record `PracticeAudit.ISSUED`; `polis.lifecycle` names a move `<audit>.<to>`, which
must be a registered member too. `record_audit` refuses an action no app registered, so an
audit page never shows a code without its label.
"""

from django.db import models


class AuditActions(models.TextChoices):
    """Base of an app's audit actions: the value is what the audit log stores, the label what
    its pages show."""


AUDIT_ACTIONS: dict[str, AuditActions] = {}


def register_audit_actions(*enums: type[AuditActions]) -> None:
    for enum in enums:
        for member in enum:
            known = AUDIT_ACTIONS.setdefault(member.value, member)
            if known is not member:
                raise ValueError(f"audit action {member.value!r} declared twice")


def audit_action(name: str) -> AuditActions:
    """The registered action called `name`; `LookupError` if no app declares it."""
    try:
        return AUDIT_ACTIONS[name]
    except KeyError:
        raise LookupError(f"audit action {name!r} is not declared by any app") from None


def action_label(action: str) -> str:
    member = AUDIT_ACTIONS.get(action)
    return str(member.label) if member is not None else action
