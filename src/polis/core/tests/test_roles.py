"""Roles have one spelling, `polis.core.roles.Role` (`User.Role`): the pages ask the user
(`user.is_collaborator`, `user.is_mga_staff`, `user.is_adjuster`) or the actions allowed, the
code compares with the enum's members, never with the strings."""

import re
from pathlib import Path

from polis.accounts.models import User
from polis.core.access import MGA_STAFF, Role

SRC = Path(__file__).resolve().parents[2]
LITERAL = re.compile(
    r"""role\s*(==|!=|=|__in\s*=|\s+in)\s*\(?\s*["'](collaborator|operator|adjuster|admin)["']"""
)


def _offenders(pattern: str) -> list[str]:
    return [
        f"{path.relative_to(SRC)}:{number}"
        for path in sorted(SRC.glob(pattern))
        if "tests" not in path.parts and "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if LITERAL.search(line)
    ]


def test_the_user_model_spells_roles_with_the_one_enum():
    assert User.Role is Role
    assert {role.value for role in Role} == {"collaborator", "operator", "adjuster", "admin"}
    assert MGA_STAFF == {Role.OPERATOR, Role.ADMIN}


def test_no_template_compares_a_role_with_a_string():
    assert _offenders("*/templates/**/*.html") == []


def test_no_code_compares_a_role_with_a_string():
    assert _offenders("**/*.py") == []
