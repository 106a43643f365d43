"""Every URL of the project, for every role: who may see or do what."""

import importlib
import json
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests.access
from polis.accounts.models import User
from polis.accounts.tests.factories import UserFactory
from tests.access import ADJUSTER, ADMIN, ANON, COLLAB_A, COLLAB_B, LOGIN, OPERATOR, ROLES

MODULES = [
    importlib.import_module(f"tests.access.{info.name}")
    for info in pkgutil.iter_modules(tests.access.__path__)
]
RULES = [rule for module in MODULES for rule in module.RULES]
# The admin's generated URLs follow one rule; the table checks a sample of them.
GENERATED_NAMESPACES = ("admin",)


def url_names(resolver=None, namespace=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_every_url_has_an_expectation_for_every_role():
    # given
    covered = {rule.url_name for rule in RULES}
    # when
    missing = sorted(
        name
        for name in set(url_names())
        if name not in covered and not name.startswith(tuple(f"{n}:" for n in GENERATED_NAMESPACES))
    )
    # then
    assert missing == [], f"URL patterns without an authorization rule: {missing}"
    for rule in RULES:
        assert set(rule.expected) == set(ROLES), rule.url_name


def build_world(module) -> dict:
    """The six users, and the objects the rule's own module arranges (and nothing else)."""
    users = {
        ANON: None,
        COLLAB_A: UserFactory(email="a@example.it", is_firm_admin=True),
        COLLAB_B: UserFactory(email="b@example.it", is_firm_admin=True),
        OPERATOR: UserFactory(role=User.Role.OPERATOR, email="op@example.it", with_totp=True),
        ADJUSTER: UserFactory(role=User.Role.ADJUSTER, email="adj@example.it"),
        ADMIN: UserFactory(
            role=User.Role.ADMIN,
            email="adm@example.it",
            is_staff=True,
            is_superuser=True,
            with_totp=True,
        ),
    }
    world = {"users": users, "firm_a": users[COLLAB_A].firm, "firm_b": users[COLLAB_B].firm}
    if hasattr(module, "arrange"):
        module.arrange(world)
    return world


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("module", "rule"),
    [(module, rule) for module in MODULES for rule in module.RULES],
    ids=lambda value: getattr(value, "url_name", ""),
)
def test_access(module, rule, client_for):
    world = build_world(module)
    url = reverse(rule.url_name, kwargs=rule.kwargs(world))
    outcomes = {}
    for role in ROLES:
        client = client_for(world["users"][role])
        if rule.json:
            response = getattr(client, rule.method)(
                url, json.dumps(rule.data(world), default=str), content_type="application/json"
            )
        else:
            response = getattr(client, rule.method)(url, rule.data(world))
        outcome = response.status_code
        login_pages = (reverse("accounts:login"), reverse("admin:login"))
        if outcome == 302 and response["Location"].startswith(login_pages):
            outcome = LOGIN
        outcomes[role] = outcome
    assert outcomes == rule.expected
