"""Issue 24 §2: a key is shown once and stored hashed, acts exactly as its owner within its
scopes, expires, rotates with a grace period, is revoked at once, is rate-limited per key."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from polis.audit.models import AuditEvent
from polis.core.errors import PermissionDenied
from polis.integrations.models import ApiKey
from polis.integrations.services import keys
from polis.integrations.tests.conftest import make_key

pytestmark = pytest.mark.django_db


def test_the_secret_is_not_stored(operator, collaborator_a):
    key, token = make_key(operator, collaborator_a, ["quotes:read"])
    stored = ApiKey.objects.filter(pk=key.pk).values().get()
    assert token not in str(stored)
    assert token.startswith(f"polis_{key.prefix}_")
    assert AuditEvent.objects.filter(action="api_key.created", object_id=str(key.pk)).exists()


def test_the_key_acts_as_its_owner(client, bearer, operator, collaborator_a, collaborator_b):
    _key, token = make_key(operator, collaborator_b, ["quotes:read", "policies:read"])
    # firm B's key sees firm B's lists (empty here), as firm B's session does
    assert client.get("/api/quotes", **bearer(token)).json() == []
    assert client.get("/api/practices", **bearer(token)).status_code == 200


def test_a_key_never_reaches_the_privacy_requests(client, bearer, operator, collaborator_a):
    _key, token = make_key(operator, collaborator_a, ["quotes:read", "policies:read"])
    answer = client.get("/api/privacy-requests", **bearer(token))
    assert answer.status_code == 401
    assert answer.json()["code"] == "unauthenticated"


@pytest.mark.parametrize("tamper", ["wrong", "revoked", "expired", "owner_inactive"])
def test_a_bad_key_is_refused_with_a_stable_code(client, bearer, operator, collaborator_a, tamper):
    key, token = make_key(operator, collaborator_a, ["quotes:read"])
    if tamper == "wrong":
        token = token[:-4] + "AAAA"
    elif tamper == "revoked":
        keys.revoke_api_key(actor=operator, key=key)
    elif tamper == "expired":
        ApiKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    else:
        collaborator_a.is_active = False
        collaborator_a.save()
    answer = client.get("/api/quotes", **bearer(token))
    assert answer.status_code == 401
    assert answer.json()["code"] == "unauthenticated"


def test_rotation_keeps_the_old_secret_for_the_grace_period(
    client, bearer, operator, collaborator_a, settings
):
    key, old = make_key(operator, collaborator_a, ["quotes:read"])
    new_key, new = keys.rotate_api_key(actor=operator, key=key)
    assert new_key.scopes == key.scopes
    assert new_key.user == collaborator_a
    assert client.get("/api/quotes", **bearer(new)).status_code == 200
    assert client.get("/api/quotes", **bearer(old)).status_code == 200
    key.refresh_from_db()
    assert key.expires_at <= timezone.now() + timedelta(hours=settings.API_KEY_ROTATION_GRACE_HOURS)
    ApiKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/quotes", **bearer(old)).status_code == 401
    assert client.get("/api/quotes", **bearer(new)).status_code == 200


def test_last_use_is_recorded_at_most_once_a_minute(client, bearer, operator, collaborator_a):
    key, token = make_key(operator, collaborator_a, ["quotes:read"])
    client.get("/api/quotes", **bearer(token))
    first = ApiKey.objects.get(pk=key.pk).last_used_at
    assert first is not None
    client.get("/api/quotes", **bearer(token))
    assert ApiKey.objects.get(pk=key.pk).last_used_at == first


def test_calls_are_limited_per_key(client, bearer, operator, collaborator_a, settings):
    settings.API_KEY_RATE = "3/m"
    cache.clear()
    _key, token = make_key(operator, collaborator_a, ["quotes:read"])
    _other, other = make_key(operator, collaborator_a, ["quotes:read"], name="Altra")
    codes = [client.get("/api/quotes", **bearer(token)).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert client.get("/api/quotes", **bearer(other)).status_code == 200


def test_a_firm_administrator_makes_keys_for_his_firm_only(collaborator_a, collaborator_b):
    make_key(collaborator_a, collaborator_a, ["quotes:read"])
    with pytest.raises(PermissionDenied):
        make_key(collaborator_a, collaborator_b, ["quotes:read"])


def test_a_plain_collaborator_makes_no_keys(collaborator_a, firm_a):
    from polis.accounts.tests.factories import UserFactory

    plain = UserFactory(firm=firm_a, is_firm_admin=False)
    with pytest.raises(PermissionDenied):
        make_key(plain, plain, ["quotes:read"])
