"""Shared set-up of the benchmarks: Django in this process, demo data, logged-in sessions."""

import os
import secrets
import string
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "polis.settings")


def require_postgres() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a scratch PostgreSQL database.")
    return url


def django_for_sessions() -> None:
    """Set Django up in this process with a SECRET_KEY in the environment, so that servers
    started from it accept the sessions it creates."""
    os.environ["DEBUG"] = "1"  # seed_demo and seed_scale are for development data only
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    import django
    from django.conf import settings

    django.setup()
    # A benchmark prints its figures: the e-mails the pages send stay in memory.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def session_cookie(user) -> str:
    """A logged-in session (two-factor verified for staff) for `user`, as a Cookie value, with
    the CSRF cookie a browser holds after its first page."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils.crypto import get_random_string
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from polis.accounts.backends import BACKEND

    session = SessionStore()
    session.update(
        {
            SESSION_KEY: str(user.pk),
            HASH_SESSION_KEY: user.get_session_auth_hash(),
            BACKEND_SESSION_KEY: BACKEND,
        }
    )
    device = user.totpdevice_set.filter(confirmed=True).first()
    if device is None and user.firm_id is None:
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    if device:
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    csrf = get_random_string(32, string.ascii_letters + string.digits)
    return f"sessionid={session.session_key}; csrftoken={csrf}"


def seeded_sessions(*emails: str) -> list[str]:
    """Migrate, load the demo data and return a session cookie for each user."""
    django_for_sessions()
    from django.core.management import call_command

    from polis.accounts.models import User

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    return [session_cookie(User.objects.get(email=email)) for email in emails]


def collectstatic(env: dict[str, str]) -> None:
    import subprocess

    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
