"""Every audit action is written once: a member of its app's enum (`polis.audit.labels`), with
its Italian label beside it, registered at start-up. No service names an action by a string;
every move `polis.lifecycle` names by default (`<audit>.<to>`) is declared too."""

import ast
import importlib
from pathlib import Path

import pytest
from django.apps import apps

import polis
from polis.accounts.models import Firm
from polis.accounts.tests.factories import FirmFactory
from polis.audit.labels import AUDIT_ACTIONS, AuditActions, action_label
from polis.audit.models import AuditEvent

ROOT = Path(polis.__file__).parent
# The calls that take an audit action, and where (keyword, or position) they take it.
TAKES_ACTION = {
    "record_audit": None,
    "record_audits": None,
    "transition": None,
    "transition_many": None,
    "move_action": 2,
    # the claims' timeline steps and the accounts' second-factor changes
    "_change": 2,
    "_event": 2,
    "_device_changed": 1,
}


# The mechanism itself, which passes on the action it is given (and checks it when it runs).
MECHANISM = {"lifecycle.py", "audit/services.py"}


def _sources() -> list[tuple[Path, ast.AST]]:
    return [
        (path, ast.parse(path.read_text(), filename=str(path)))
        for path in sorted(ROOT.rglob("*.py"))
        if not {"tests", "migrations"} & set(path.relative_to(ROOT).parts)
        and path.relative_to(ROOT).as_posix() not in MECHANISM
    ]


def _name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _typed_parameters(function: ast.FunctionDef) -> dict[str, str]:
    """The function's parameters by name, with the name of their annotation."""
    arguments = function.args
    return {
        a.arg: _name(a.annotation) if a.annotation is not None else ""
        for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)
    }


def _actions_passed(tree: ast.AST) -> list[tuple[int, ast.expr, dict[str, str]]]:
    """(line, expression, the enclosing function's typed parameters) of every audit action
    passed to a call that takes one."""
    found = []
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
    for function in functions or [tree]:
        parameters = _typed_parameters(function) if function is not tree else {}
        for node in ast.walk(function):
            if not (isinstance(node, ast.Call) and _name(node.func) in TAKES_ACTION):
                continue
            position = TAKES_ACTION[_name(node.func)]
            values = [k.value for k in node.keywords if k.arg == "action"]
            if position is not None and len(node.args) > position:
                values.append(node.args[position])
            found += [(node.lineno, value, parameters) for value in values]
    return found


def _leaves(value: ast.expr) -> list[ast.expr]:
    """The expressions an action can come from (both sides of `a if c else b`)."""
    if isinstance(value, ast.IfExp):
        return _leaves(value.body) + _leaves(value.orelse)
    return [value]


def _enums() -> dict[str, type[AuditActions]]:
    """Every enum of audit actions declared in the code, by class name."""
    found = {}
    for path, tree in _sources():
        module = ".".join(("polis", *path.relative_to(ROOT).with_suffix("").parts))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and any(
                _name(base) == "AuditActions" for base in node.bases
            ):
                found[node.name] = getattr(importlib.import_module(module), node.name)
    return found


def test_every_app_enum_is_registered_and_each_action_has_an_italian_label():
    # given every enum of audit actions in the code
    enums = _enums()
    assert {"PracticeAudit", "ClaimAudit", "SignatureAudit", "AccountAudit"} <= set(enums)
    for enum in enums.values():
        for member in enum:
            # then each member is the one registered under its name, with a label of its own
            assert AUDIT_ACTIONS.get(member.value) is member, member.value
            assert action_label(member.value) == str(member.label) != member.value


def test_no_audit_action_is_named_by_a_string_and_each_named_one_is_declared():
    # given every action passed to the audit, the lifecycle or a service's audited step
    enums = _enums()
    typed = {*enums, "AuditActions"}
    loose, undeclared, named = [], [], 0
    for path, tree in _sources():
        where = path.relative_to(ROOT.parent.parent)
        for line, value, parameters in _actions_passed(tree):
            for leaf in _leaves(value):
                if isinstance(leaf, ast.Attribute) and _name(leaf.value) in enums:
                    named += 1
                    if not hasattr(enums[_name(leaf.value)], leaf.attr):
                        undeclared.append(f"{where}:{line} {leaf.value.id}.{leaf.attr}")
                elif isinstance(leaf, ast.Subscript) and _name(leaf.value).isupper():
                    pass  # a module's table of members, e.g. `_ENDINGS[outcome]`
                elif not (isinstance(leaf, ast.Name) and parameters.get(leaf.id) in typed):
                    # a string, or a variable that is not a parameter typed as an audit action
                    loose.append(f"{where}:{line} {ast.unparse(leaf)}")
    # then each is a member of a declared enum (or a parameter typed as one)
    assert named > 50
    assert not loose, "an audit action not named by its enum:\n" + "\n".join(loose)
    assert not undeclared, "\n".join(undeclared)


def _lifecycle_models() -> list:
    return [model for model in apps.get_models() if "lifecycle" in model.__dict__]


def _default_moves() -> list[tuple[str, str, list]]:
    """(place, status member name, candidate models) of each `transition(obj, X.NAME, …)` that
    leaves the action to the lifecycle's default. The model is the one named (`Quote.Status.X`)
    or else the app's own models with such a status."""
    models = _lifecycle_models()
    moves = []
    for path, tree in _sources():
        app = path.relative_to(ROOT).parts[0]
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and _name(node.func) in ("transition", "transition_many")
                and len(node.args) > 1
                and not any(k.arg == "action" for k in node.keywords)
                and isinstance(node.args[1], ast.Attribute)
            ):
                continue
            to, member = node.args[1], node.args[1].attr
            named = to.value.value if isinstance(to.value, ast.Attribute) else None
            candidates = [
                model
                for model in models
                if member in model.Status.__members__
                and (
                    model.__name__ == _name(named)
                    if named is not None
                    else model._meta.app_label == app
                )
            ]
            moves.append((f"{path.relative_to(ROOT)}:{node.lineno}", member, candidates))
    return moves


def test_every_move_audited_by_the_lifecycles_default_name_is_a_declared_action():
    # given each move a service leaves to the lifecycle's default name, `<audit>.<to>`
    moves = _default_moves()
    assert len(moves) > 15
    missing = [
        f"{place}: {model.lifecycle.audit}.{model.Status[member].value}"
        for place, member, candidates in moves
        for model in candidates or [None]
        if model is None
        or f"{model.lifecycle.audit}.{model.Status[member].value}" not in AUDIT_ACTIONS
    ]
    # then that name is declared (with its label) by the model's app
    assert not missing, "a move whose default audit action is not declared:\n" + "\n".join(missing)


@pytest.mark.django_db
def test_a_move_under_an_undeclared_action_is_refused_before_anything_changes():
    # given a firm waiting for approval
    from polis.lifecycle import transition

    firm = FirmFactory(status=Firm.Status.PENDING)
    # when a move is audited under a name no app declared
    with pytest.raises(LookupError):
        transition(firm, Firm.Status.APPROVED, actor=None, action="firm.reviewed")
    # then nothing changed and nothing was recorded
    firm.refresh_from_db()
    assert firm.status == Firm.Status.PENDING
    assert not AuditEvent.objects.filter(object_type="accounts.firm").exists()
