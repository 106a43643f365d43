"""Every status changes through `polis.lifecycle`: no other write in the code, a table on every
status model, and the mechanism itself (the table, the optimistic lock, the audit from → to)."""

import ast
from pathlib import Path

import pytest
from django.apps import apps

import polis
from polis.accounts.audit import AccountAudit
from polis.accounts.models import Firm
from polis.accounts.tests.factories import FirmFactory, UserFactory
from polis.audit.models import AuditEvent
from polis.core.errors import InvalidTransition
from polis.lifecycle import (
    Lifecycle,
    StaleVersion,
    lock,
    save_versioned,
    transition,
    transition_many,
)
from polis.practices.models import Practice
from polis.practices.tests.factories import PracticeFactory

ROOT = Path(polis.__file__).parent

# The mechanism itself. (The development data in `devdata` creates rows in a status, which is
# not a change, and moves them through the services.)
EXEMPT = {"lifecycle.py"}
# The outbox's `OutboundMessage.status` (pending → sent | failed) is delivery bookkeeping of
# the sweeper, not a business lifecycle: its writes in `notify`, on the model or on a
# `message`, are allowed, and it declares no lifecycle.
# The webhooks' `WebhookDelivery.status` (pending → delivered | failed) is the same outbox
# bookkeeping.
EXEMPT_WRITES = {
    ("notify", "OutboundMessage"),
    ("notify", "message"),
    ("integrations", "WebhookDelivery"),
}
NOT_LIFECYCLES = {"notify.OutboundMessage", "integrations.WebhookDelivery"}


def _modules(package: str) -> list[Path]:
    base = ROOT / package
    paths = sorted(base.rglob("*.py")) if base.is_dir() else [base]
    return [
        path
        for path in paths
        if not {"tests", "migrations"} & set(path.relative_to(ROOT).parts)
        and path.relative_to(ROOT).as_posix() not in EXEMPT
    ]


def _packages() -> list[str]:
    return sorted(
        path.name
        for path in ROOT.iterdir()
        if (path.suffix == ".py" or (path / "__init__.py").exists()) and path.name != "__init__.py"
    )


def _status_targets(targets: list[ast.expr]) -> list[ast.expr]:
    """The `x.status` among assignment targets, also inside `a, x.status = …` or
    `[x.status, *rest] = …`."""
    found = []
    for target in targets:
        if isinstance(target, ast.Starred):
            target = target.value
        if isinstance(target, ast.Tuple | ast.List):
            found += _status_targets(target.elts)
        elif isinstance(target, ast.Attribute) and target.attr == "status":
            found.append(target)
    return found


def _root(node: ast.expr) -> str:
    """The name an expression starts from: `OutboundMessage` in
    `OutboundMessage.objects.filter(…).update`, `message` in `message.status`."""
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript | ast.Starred):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else ""


def _has_status_key(node: ast.expr) -> bool:
    return isinstance(node, ast.Dict) and any(
        isinstance(key, ast.Constant) and key.value == "status" for key in node.keys
    )


def _names_written(node: ast.AST) -> list[str]:
    """The names through which `node` writes a status; none if it writes no status."""
    if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return [_root(target) for target in _status_targets(targets)]
    if not isinstance(node, ast.Call):
        return []
    func = node.func
    # `.update(status=…)`, `.update(**{"status": …})`, `.update_or_create(defaults={…})`
    if isinstance(func, ast.Attribute) and func.attr in ("update", "update_or_create"):
        if any(
            keyword.arg == "status"
            or (keyword.arg in (None, "defaults") and _has_status_key(keyword.value))
            for keyword in node.keywords
        ):
            return [_root(func)]
    # `setattr(obj, "status", …)`
    if isinstance(func, ast.Name) and func.id == "setattr" and len(node.args) > 1:
        name = node.args[1]
        if isinstance(name, ast.Constant) and name.value == "status":
            return [_root(node.args[0])]
    return []


def _status_writes(tree: ast.AST) -> list[tuple[int, str]]:
    """Where `tree` writes a status: (line, the name written through)."""
    return sorted((node.lineno, name) for node in ast.walk(tree) for name in _names_written(node))


@pytest.mark.parametrize("package", _packages())
def test_no_status_is_written_outside_the_lifecycle(package):
    # given every module of the package (creating a row in its first status is not a change)
    writes = [
        f"{path.relative_to(ROOT.parent.parent)}:{line}"
        for path in _modules(package)
        for line, name in _status_writes(ast.parse(path.read_text(), filename=str(path)))
        if (package, name) not in EXEMPT_WRITES
    ]
    # then: none changes a status but through polis.lifecycle.transition / transition_many
    assert not writes, "a status written outside polis.lifecycle:\n" + "\n".join(writes)


def test_the_scan_finds_each_kind_of_status_write():
    # given one write of each kind, and what is not a write
    source = """
obj.status = "a"
obj.status, obj.reason = "a", "b"
obj.failures, *obj.status = 1, 2
obj.status += "x"
Model.objects.filter(pk=1).update(status="a")
Model.objects.filter(pk=1).update(**{"status": "a"})
Model.objects.update_or_create(pk=1, defaults={"status": "a"})
setattr(obj, "status", "a")
Model.objects.create(status="a")
Model(status="a")
status = obj.status
Model.objects.filter(status="a").update(seen=True)
"""
    # then the eight writes are found, on their lines, with the name written through
    assert _status_writes(ast.parse(source)) == [
        (2, "obj"),
        (3, "obj"),
        (4, "obj"),
        (5, "obj"),
        (6, "Model"),
        (7, "Model"),
        (8, "Model"),
        (9, "obj"),
    ]


def _status_models() -> list:
    return [
        model
        for model in apps.get_models()
        if hasattr(model, "Status")
        and any(field.name == "status" for field in model._meta.get_fields())
        and model._meta.label not in NOT_LIFECYCLES
    ]


def test_every_status_model_declares_its_lifecycle_with_a_row_for_every_status():
    # given every model with a status (the outbox's delivery status aside)
    models = _status_models()
    assert Practice in models
    for model in models:
        lifecycle = model.__dict__.get("lifecycle")
        # then it declares a lifecycle beside its Status …
        assert isinstance(lifecycle, Lifecycle), model._meta.label
        # … whose table has a row for each of its statuses, and no other
        assert set(lifecycle.transitions) == set(model.Status.values), model._meta.label
        assert lifecycle.noun, model._meta.label
        assert lifecycle.audit, model._meta.label
        if lifecycle.versioned:
            assert lifecycle.stale, model._meta.label
            model._meta.get_field("version")


# --- The mechanism ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_move_the_table_refuses_raises_and_changes_nothing():
    # given a rejected firm
    firm = FirmFactory(status=Firm.Status.REJECTED)
    # when someone tries to approve it
    with pytest.raises(InvalidTransition) as refused:
        transition(firm, Firm.Status.APPROVED, actor=UserFactory(role="admin"))
    # then the reason names both states, and nothing changed nor was recorded
    assert refused.value.message == (
        "La registrazione è «Respinta»: non può passare a «Approvata»."
    )
    assert firm.status == Firm.Status.REJECTED
    firm.refresh_from_db()
    assert firm.status == Firm.Status.REJECTED
    assert not AuditEvent.objects.filter(object_type="accounts.firm").exists()


@pytest.mark.django_db
def test_a_move_saves_its_fields_and_audits_from_and_to():
    # given a firm waiting for approval
    firm = FirmFactory(status=Firm.Status.PENDING)
    admin = UserFactory(role="admin")
    # when it is rejected, with a reason
    firm.rejection_reason = "RUI non trovato"
    left = transition(firm, Firm.Status.REJECTED, actor=admin, fields=("rejection_reason",))
    # then the status and the reason are saved, and one audit event says from where to where
    assert left == Firm.Status.PENDING
    firm.refresh_from_db()
    assert (firm.status, firm.rejection_reason) == ("rejected", "RUI non trovato")
    event = AuditEvent.objects.get(object_type="accounts.firm", object_id=str(firm.pk))
    assert (event.action, event.actor, event.data) == (
        "firm.rejected",
        admin,
        {"from": "pending", "to": "rejected"},
    )


@pytest.mark.django_db
def test_a_signer_by_link_moves_a_status_with_no_actor_and_a_named_action():
    # given a firm waiting for approval
    firm = FirmFactory(status=Firm.Status.PENDING)
    # when a move is made by nobody logged in, under the service's own action name
    transition(
        firm, Firm.Status.APPROVED, actor=None, action=AccountAudit.FIRM_REGISTERED, data={"n": 1}
    )
    # then it is audited under that name, without an actor, with from and to
    event = AuditEvent.objects.get(object_type="accounts.firm", object_id=str(firm.pk))
    assert (event.action, event.actor, event.data) == (
        "firm.registered",
        None,
        {"from": "pending", "to": "approved", "n": 1},
    )


@pytest.mark.django_db
def test_a_stale_version_is_refused():
    # given a practice as a page showed it, then changed by someone else
    practice = PracticeFactory()
    rendered = practice.version
    practice.review_reason = "Controllo"
    save_versioned(practice, "review_reason")
    # when the page's change arrives with the version it was rendered with
    with pytest.raises(StaleVersion, match="modificata da un altro utente"):
        lock(practice, rendered)
    # then it is refused; the current version is accepted, and a move bumps it again
    current = lock(practice, practice.version)
    transition(current, Practice.Status.COMPLETED, actor=None)
    with pytest.raises(StaleVersion):
        lock(practice, practice.version)
    assert lock(practice, current.version).status == Practice.Status.COMPLETED


@pytest.mark.django_db
def test_transition_many_moves_only_the_rows_that_may_reach_the_target():
    # given firms waiting, approved and rejected
    waiting = FirmFactory.create_batch(2, status=Firm.Status.PENDING)
    approved = FirmFactory(status=Firm.Status.APPROVED)
    rejected = FirmFactory(status=Firm.Status.REJECTED)
    everyone = Firm.objects.filter(pk__in=[f.pk for f in (*waiting, approved, rejected)])
    # when a batch approves them all
    moved = transition_many(everyone, Firm.Status.APPROVED, actor=None)
    # then only the waiting ones moved, and only they are audited, with from and to
    assert moved == 2
    assert dict(everyone.values_list("pk", "status")) == {
        waiting[0].pk: "approved",
        waiting[1].pk: "approved",
        approved.pk: "approved",
        rejected.pk: "rejected",
    }
    audited = AuditEvent.objects.filter(object_type="accounts.firm")
    assert sorted(audited.values_list("object_id", "action", "data")) == sorted(
        (str(f.pk), "firm.approved", {"from": "pending", "to": "approved"}) for f in waiting
    )


@pytest.mark.django_db
def test_transition_many_bumps_the_version_of_the_rows_it_moves():
    # given a signed and a cancelled practice
    signed = PracticeFactory(status=Practice.Status.SIGNED)
    cancelled = PracticeFactory(status=Practice.Status.CANCELLED)
    versions = {p.pk: p.version for p in (signed, cancelled)}
    # when a batch puts both in force
    transition_many(Practice.objects.filter(pk__in=versions), Practice.Status.IN_FORCE, actor=None)
    # then the signed one moved and a page showing it is stale; the cancelled one is as it was
    signed.refresh_from_db()
    cancelled.refresh_from_db()
    assert (signed.status, signed.version) == ("in_force", versions[signed.pk] + 1)
    assert (cancelled.status, cancelled.version) == ("cancelled", versions[cancelled.pk])
