"""API keys: issue (the secret is returned once), rotate, revoke, and find the key of a call.

A key reads `polis_<prefix>_<secret>`. Only the prefix (to find the row) and an HMAC-SHA256 of
the whole key under the SECRET_KEY are stored; the secret has 256 random bits, so a fast keyed
hash is enough (no password stretching needed), and it is compared in constant time.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from polis.accounts.models import User
from polis.audit.services import record_audit
from polis.catalog.models import Insurer
from polis.core.access import require
from polis.core.errors import DomainError, PermissionDenied
from polis.integrations.audit import IntegrationAudit
from polis.integrations.models import ApiKey, Scope
from polis.integrations.selectors import owners_for

PREFIX = "polis_"


def _hash(token: str) -> str:
    return salted_hmac("polis.integrations.api_key", token, algorithm="sha256").hexdigest()


def _new_secret() -> tuple[str, str]:
    """A new (prefix, whole key)."""
    prefix = secrets.token_hex(4)
    return prefix, f"{PREFIX}{prefix}_{secrets.token_urlsafe(32)}"


def check_owner(actor: User, user: User) -> None:
    require(actor, "manage_integrations")
    if not owners_for(actor).filter(pk=user.pk).exists():
        raise PermissionDenied(_("Non puoi creare chiavi o webhook per questo utente."))


def create_api_key(
    *,
    actor: User,
    user: User,
    name: str,
    scopes: list[str],
    expires_at: datetime,
    insurer: Insurer | None = None,
) -> tuple[ApiKey, str]:
    """A key acting as `user` within `scopes`; returns it and its secret, which is not kept."""
    check_owner(actor, user)
    name = name.strip()
    if not name:
        raise DomainError(_("Dai un nome alla chiave."), field="name", code="api_key_name")
    scopes = sorted(set(scopes))
    if not scopes or not set(scopes) <= set(Scope.values):
        raise DomainError(_("Scegli almeno un permesso."), field="scopes", code="api_key_scopes")
    now = timezone.now()
    if not now < expires_at <= now + timedelta(days=settings.API_KEY_MAX_DAYS):
        raise DomainError(
            _("La scadenza deve essere futura ed entro %(d)s giorni.")
            % {"d": settings.API_KEY_MAX_DAYS},
            field="expires_at",
            code="api_key_expiry",
        )
    prefix, token = _new_secret()
    with transaction.atomic():
        key = ApiKey.objects.create(
            name=name[:80],
            prefix=prefix,
            secret_hash=_hash(token),
            user=user,
            insurer=insurer,
            scopes=scopes,
            expires_at=expires_at,
            created_by=actor,
        )
        record_audit(
            actor=actor,
            action=IntegrationAudit.KEY_CREATED,
            target=key,
            data={"name": key.name, "scopes": scopes},
        )
    return key, token


def rotate_api_key(*, actor: User, key: ApiKey) -> tuple[ApiKey, str]:
    """A new secret for the same owner, scopes and expiry; the old one keeps working for
    API_KEY_ROTATION_GRACE_HOURS (the caller deploys the new one without downtime), then
    expires. A leaked key is revoked instead."""
    check_owner(actor, key.user)
    with transaction.atomic():
        key = ApiKey.objects.select_for_update().get(pk=key.pk)
        if not key.is_valid or hasattr(key, "replaced_by"):
            raise DomainError(
                _("Questa chiave è scaduta, revocata o già ruotata."), code="api_key_inactive"
            )
        prefix, token = _new_secret()
        new = ApiKey.objects.create(
            name=key.name,
            prefix=prefix,
            secret_hash=_hash(token),
            user=key.user,
            insurer=key.insurer,
            scopes=key.scopes,
            expires_at=key.expires_at,
            replaces=key,
            created_by=actor,
        )
        grace = timezone.now() + timedelta(hours=settings.API_KEY_ROTATION_GRACE_HOURS)
        key.expires_at = min(key.expires_at, grace)
        key.save(update_fields=["expires_at"])
        record_audit(
            actor=actor,
            action=IntegrationAudit.KEY_ROTATED,
            target=key,
            data={"name": key.name, "new_key": new.pk, "old_valid_until": grace.isoformat()},
        )
    return new, token


def revoke_api_key(*, actor: User, key: ApiKey) -> ApiKey:
    """The key stops working at once."""
    check_owner(actor, key.user)
    with transaction.atomic():
        key = ApiKey.objects.select_for_update().get(pk=key.pk)
        if key.revoked_at is not None:
            raise DomainError(_("La chiave è già revocata."), code="api_key_inactive")
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        record_audit(
            actor=actor, action=IntegrationAudit.KEY_REVOKED, target=key, data={"name": key.name}
        )
    return key


def key_for_token(token: str) -> ApiKey | None:
    """The valid key `token` is, with its owner; None for anything else. Records its use at
    most once a minute (one UPDATE, not one per call)."""
    parts = token.split("_")
    if not token.startswith(PREFIX) or len(parts) < 3:
        return None
    key = ApiKey.objects.select_related("user__firm").filter(prefix=parts[1]).first()
    if key is None or not hmac.compare_digest(key.secret_hash, _hash(token)):
        return None
    if not key.is_valid:
        return None
    now = timezone.now()
    if key.last_used_at is None or key.last_used_at < now - timedelta(seconds=60):
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key
