import os
import shutil

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from polis.accounts.models import User
from polis.accounts.tests.factories import FirmFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def login_verified(client, user: User) -> None:
    """Log `user` in as after a complete login, with the second factor for MGA staff."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


@pytest.fixture
def firm_a(db):
    return FirmFactory(name="Agenzia Alfa S.r.l.")


@pytest.fixture
def firm_b(db):
    return FirmFactory(name="Agenzia Beta S.r.l.")


@pytest.fixture
def collaborator_a(firm_a):
    return UserFactory(firm=firm_a, is_firm_admin=True, email="alfa@example.it")


@pytest.fixture
def collaborator_b(firm_b):
    return UserFactory(firm=firm_b, is_firm_admin=True, email="beta@example.it")


@pytest.fixture
def operator(db):
    return UserFactory(role=User.Role.OPERATOR, email="operatore@example.it", with_totp=True)


@pytest.fixture
def adjuster(db):
    return UserFactory(role=User.Role.ADJUSTER, email="liquidatore@example.it")


@pytest.fixture
def admin_user(db):
    return UserFactory(
        role=User.Role.ADMIN,
        email="admin@example.it",
        is_staff=True,
        is_superuser=True,
        with_totp=True,
    )


@pytest.fixture
def client_for(client):
    """client_for(user) -> a test client logged in as `user` (None: anonymous)."""
    from django.test import Client

    def make(user):
        if user is None:
            return Client()
        new = Client()
        login_verified(new, user)
        return new

    return make


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
