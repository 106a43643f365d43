"""The authorization table: one module per app, each listing a Rule for every URL it adds.

`test_access.py` fails when a URL pattern of the project has no rule, and checks every rule
for every role: anonymous, collaborator of firm A, collaborator of firm B, operator, adjuster,
administrator. A module may define `arrange(world)` to create the objects its URLs need.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

ANON, COLLAB_A, COLLAB_B, OPERATOR, ADJUSTER, ADMIN = (
    "anonymous",
    "collaborator_a",
    "collaborator_b",
    "operator",
    "adjuster",
    "admin",
)
ROLES = (ANON, COLLAB_A, COLLAB_B, OPERATOR, ADJUSTER, ADMIN)
LOGIN = "login"  # a redirect to the login page


def expect(default, **by_role) -> dict[str, object]:
    """Expected outcome per role: `default` for every role not named."""
    return {role: by_role.get(role, default) for role in ROLES}


def only(*roles: str, ok: object = 200, denied: object = 403) -> dict[str, object]:
    """Allowed for `roles`; anonymous users go to login, everybody else gets `denied`."""
    return {role: ok if role in roles else (LOGIN if role == ANON else denied) for role in ROLES}


@dataclass(frozen=True)
class Rule:
    url_name: str
    expected: dict[str, object]
    kwargs: Callable[[dict], dict] = field(default=lambda world: {})
    method: str = "get"
    data: Callable[[dict], dict] = field(default=lambda world: {})
    json: bool = False  # send `data` as a JSON body (the API)
