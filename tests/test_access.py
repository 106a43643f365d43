"""Every URL of the project, for every role: who may see or do what."""

import importlib
import json
import pkgutil

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

import tests.access
from conftest import isolated_settings, login_verified, session_key_of
from polis.accounts import services as account_services
from polis.accounts.models import Firm, User
from polis.accounts.tests.factories import PASSWORD, FirmFactory, UserFactory
from polis.notify.models import OutboundMessage
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


# Two more users, checked against the table's own columns: a collaborator of firm A who is not
# its administrator may do what the administrator may, firm-administration pages aside; a user
# of a firm still pending approval gets what an anonymous visitor gets.
PLAIN, PENDING = "collaborator_a_plain", "pending_firm_user"
FIRM_ADMIN_ONLY = {
    "accounts:colleagues",
    "accounts:firm_two_factor",
    "privacy:list",
    "privacy:create",
    "privacy:detail",
    "privacy:extend",
    "privacy:export",
    "privacy:answer",
    "api:list_privacy_requests",
    "api:get_privacy_request",
    "api:register_privacy_request",
    "api:extend_privacy_request",
    "api:export_privacy_request",
    "api:answer_privacy_request",
    "integrations:keys",
    "integrations:key_create",
    "integrations:key_detail",
    "integrations:key_rotate",
    "integrations:key_revoke",
    "integrations:webhooks",
    "integrations:webhook_create",
    "integrations:webhook_detail",
    "integrations:webhook_toggle",
    "integrations:replay",
    "complaints:list",
    "complaints:export",
    "complaints:summary",
    "complaints:detail",
    "api:list_complaints",
    "api:get_complaint",
    "portfolio:index",
    "portfolio:template",
    "portfolio:export",
    "portfolio:batch",
    "portfolio:report",
    "portfolio:confirm",
    "portfolio:cancel",
    "api:list_portfolio_imports",
    "api:get_portfolio_import",
    "api:list_portfolio_import_rows",
    "api:upload_portfolio_import",
    "api:confirm_portfolio_import",
    "api:cancel_portfolio_import",
}


def build_world(module) -> dict:
    """The users, and the objects the rule's own module arranges (and nothing else)."""
    users = {
        ANON: None,
        COLLAB_A: UserFactory(email="a@example.it", is_firm_admin=True),
        COLLAB_B: UserFactory(email="b@example.it", is_firm_admin=True),
        OPERATOR: UserFactory(role=User.Role.OPERATOR, email="op@example.it", with_totp=True),
        ADJUSTER: UserFactory(role=User.Role.ADJUSTER, email="adj@example.it", with_totp=True),
        ADMIN: UserFactory(
            role=User.Role.ADMIN,
            email="adm@example.it",
            is_staff=True,
            is_superuser=True,
            with_totp=True,
        ),
    }
    users[PLAIN] = UserFactory(email="a2@example.it", firm=users[COLLAB_A].firm)
    users[PENDING] = UserFactory(
        email="p@example.it", is_firm_admin=True, firm=FirmFactory(status=Firm.Status.PENDING)
    )
    world = {"users": users, "firm_a": users[COLLAB_A].firm, "firm_b": users[COLLAB_B].firm}
    if hasattr(module, "arrange"):
        module.arrange(world)
    return world


def outcome_of(client, rule, world, url) -> object:
    if rule.json:
        response = getattr(client, rule.method)(
            url, json.dumps(rule.data(world), default=str), content_type="application/json"
        )
    else:
        response = getattr(client, rule.method)(url, rule.data(world))
    login_pages = (reverse("accounts:login"), reverse("admin:login"))
    if response.status_code == 302 and response["Location"].startswith(login_pages):
        return LOGIN
    return response.status_code


@pytest.fixture(scope="class")
def world(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """The world of one module of the table (the parameter), built once for all its rules, as
    Django's `setUpTestData` does: in a transaction rolled back after the module's last rule,
    each rule's test in a savepoint of it (the `db` fixture) rolled back after the test. Its
    users are logged in once: each rule's requests carry their sessions (what a rule's request
    changes in a session is rolled back)."""
    media = tmp_path_factory.mktemp("access-media")
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(**isolated_settings(media)):
            built = build_world(request.param)
            sessions = {who: session_key_of(user) for who, user in built["users"].items() if user}
        yield built | {"media": media, "sessions": sessions}
        transaction.set_rollback(True)


def client_as(world, who: str) -> Client:
    """A client with the world's session of `who` (ANON: none)."""
    client = Client()
    if who in world["sessions"]:
        client.cookies[django_settings.SESSION_COOKIE_NAME] = world["sessions"][who]
    return client


class TestTable:
    @pytest.mark.django_db
    @pytest.mark.parametrize(
        ("world", "rule"),
        [(module, rule) for module in MODULES for rule in module.RULES],
        ids=lambda value: getattr(value, "url_name", ""),
        indirect=["world"],
        scope="class",  # one world for consecutive rules of a module
    )
    def test_access(self, world, rule, settings):
        # the world's files stay where it stored them
        settings.MEDIA_ROOT = world["media"]
        check_rule(rule, world)


def check_rule(rule, world) -> None:
    url = reverse(rule.url_name, kwargs=rule.kwargs(world))
    as_built = transaction.savepoint()
    outcomes = {role: outcome_of(client_as(world, role), rule, world, url) for role in ROLES}
    assert outcomes == rule.expected
    assert outcome_of(client_as(world, PENDING), rule, world, url) == rule.expected[ANON]
    # the plain collaborator tries a write on the world as built, not after the others' writes
    transaction.savepoint_rollback(as_built)
    plain = outcome_of(client_as(world, PLAIN), rule, world, url)
    assert plain == (403 if rule.url_name in FIRM_ADMIN_ONLY else rule.expected[COLLAB_A])


# Two-factor section: every path through the second factor, from each stage of a login.
# "pending": password step passed, second factor not; "password-only": a session without the
# second factor (opened before it was required); "verified": after the second factor.
def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key):06d}"


def _fresh(user) -> dict:
    """A code of a new secret, as the enrollment page shows it to whoever holds the session."""
    return {"token": _code(account_services.start_totp_enrollment(actor=user))}


def _current(user) -> dict:
    return {"token": _code(TOTPDevice.objects.get(user=user, confirmed=True))}


def _replace(current_ok: bool):
    def data(user) -> dict:
        current = _current(user)["token"] if current_ok else "000000"
        return {"action": "replace", "current_token": current, **_fresh(user)}

    return data


CHANGES = True  # the row changes the user's confirmed device
TWO_FACTOR = [
    # (user, stage, method, URL name, data, outcome, changes the device)
    ("operator", "pending", "get", "accounts:login_otp", None, 200, False),
    ("operator", "pending", "get", "accounts:login_enroll", None, "login_otp", False),
    ("operator", "pending", "post", "accounts:login_enroll", _fresh, "login_otp", False),
    (
        "operator",
        "pending",
        "post",
        "accounts:login_otp",
        lambda u: {"token": "000000"},
        200,
        False,
    ),
    ("operator", "pending", "post", "accounts:login_otp", _current, "dashboard", False),
    ("operator", "pending", "get", "web:dashboard", None, LOGIN, False),
    ("operator", "pending", "get", "notify:sms_outbox", None, LOGIN, False),
    ("operator", "pending", "get", "admin:index", None, LOGIN, False),
    ("new_adjuster", "pending", "get", "accounts:login_otp", None, "login_enroll", False),
    ("new_adjuster", "pending", "get", "accounts:login_enroll", None, 200, False),
    ("new_adjuster", "pending", "post", "accounts:login_enroll", _fresh, "dashboard", CHANGES),
    ("new_adjuster", "pending", "get", "claims:list", None, LOGIN, False),
    ("new_adjuster", "password-only", "get", "claims:list", None, LOGIN, False),
    ("new_adjuster", "password-only", "post", "accounts:security", _fresh, LOGIN, False),
    ("adjuster", "password-only", "get", "claims:list", None, LOGIN, False),
    ("adjuster", "password-only", "get", "web:dashboard", None, LOGIN, False),
    ("operator", "password-only", "get", "admin:index", None, LOGIN, False),
    ("operator", "password-only", "post", "accounts:security", _replace(True), LOGIN, False),
    ("adjuster", "verified", "get", "claims:list", None, 200, False),
    ("operator", "verified", "get", "accounts:login_enroll", None, LOGIN, False),
    ("operator", "verified", "post", "accounts:security", _fresh, 200, False),
    ("operator", "verified", "post", "accounts:security", _replace(False), 200, False),
    ("operator", "verified", "post", "accounts:security", _replace(True), "security", CHANGES),
    (
        "operator",
        "verified",
        "post",
        "accounts:security",
        lambda u: _current(u) | {"action": "disable"},
        200,
        False,
    ),
]


def _outcome(response) -> object:
    if response.status_code != 302:
        return response.status_code
    location = response["Location"]
    if location.split("?")[0] in (reverse("accounts:login"), reverse("admin:login")):
        return LOGIN
    names = {"login_otp": "accounts:login_otp", "login_enroll": "accounts:login_enroll"}
    names |= {"dashboard": "web:dashboard", "security": "accounts:security"}
    return next((name for name, url in names.items() if location == reverse(url)), location)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "stage", "method", "url_name", "data", "expected", "changes"),
    TWO_FACTOR,
    ids=[f"{row[0]}-{row[1]}-{row[2]}-{row[3]}-{i}" for i, row in enumerate(TWO_FACTOR)],
)
def test_two_factor_paths(client, settings, who, stage, method, url_name, data, expected, changes):
    # given
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    role = User.Role.OPERATOR if who == "operator" else User.Role.ADJUSTER
    user = UserFactory(role=role, email="due@example.it", with_totp=who != "new_adjuster")
    if stage == "pending":
        client.post(reverse("accounts:login"), {"email": user.email, "password": PASSWORD})
    elif stage == "password-only":
        client.force_login(user)
    else:
        login_verified(client, user)
    before = set(TOTPDevice.objects.filter(user=user, confirmed=True))
    # when
    response = getattr(client, method)(reverse(url_name), data(user) if data else {})
    # then
    assert _outcome(response) == expected
    after = set(TOTPDevice.objects.filter(user=user, confirmed=True))
    assert (after != before) is changes
    assert OutboundMessage.objects.filter(recipient=user.email).exists() is changes
