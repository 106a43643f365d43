import hashlib
import os
import re
import shutil
from io import BytesIO
from pathlib import Path

import pikepdf
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management.commands import flush
from django.core.management.sql import emit_post_migrate_signal
from django.db import connections, transaction
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from polis.accounts.models import User
from polis.accounts.tests.factories import FirmFactory, UserFactory
from polis.documents import pdf
from tests import snapshot


def isolated_settings(media_root: Path) -> dict:
    """What every test runs with: a fast password hasher, a media folder of its own, no
    development witness of the public ledger (a test that wants one starts its own)."""
    from django.conf import settings

    return {
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        "MEDIA_ROOT": media_root,
        "LEDGER_DEV_WITNESS_URL": "",
        "LEDGER_WITNESS_QUORUM": 0,
        # a test's writes never commit, so its pages would be served stale: the page cache's own
        # tests and the browser's (whose writes commit) turn it on
        "PAGE_CACHE_SECONDS": 0,
        "CACHE_USERS": False,
        "STORAGES": {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    }


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    for name, value in isolated_settings(tmp_path / "media").items():
        setattr(settings, name, value)


@pytest.fixture(scope="session", autouse=True)
def _quick_flush_on_postgresql():
    """A transactional test (the browser's, the live server's) ends with a flush of every table.
    PostgreSQL's TRUNCATE costs seconds for ~70 nearly empty tables (new files for each table
    and index); DELETE with the triggers off, foreign keys and append-only guards that TRUNCATE
    ignores too, takes a tenth of a second. Only a superuser may turn them off: others truncate."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or not tables or not snapshot.superuser(self.connection.alias):
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        # execute_sql_flush runs these in one transaction, where SET LOCAL holds
        return ["SET LOCAL session_replication_role = replica"] + [
            f"DELETE FROM {self.quote_name(table)}"  # noqa: S608 (table names, quoted)
            for table in tables
        ]

    DatabaseOperations.sql_flush = sql_flush
    flush.emit_post_migrate_signal = _post_migrate_once
    yield
    flush.emit_post_migrate_signal = emit_post_migrate_signal
    DatabaseOperations.sql_flush = truncate


# The rows post_migrate makes in an emptied database (the content types and permissions): the
# same after every flush, so made once per database and copied back after the later flushes.
_AFTER_POST_MIGRATE = {}


def _post_migrate_once(verbosity, interactive, db, **kwargs):
    if connections[db].vendor != "postgresql" or not snapshot.superuser(db):
        return emit_post_migrate_signal(verbosity, interactive, db, **kwargs)
    if db in _AFTER_POST_MIGRATE:
        with transaction.atomic(using=db):
            snapshot.copy_in(_AFTER_POST_MIGRATE[db], using=db)
        ContentType.objects.clear_cache()
        return None
    emit_post_migrate_signal(verbosity, interactive, db, **kwargs)
    _AFTER_POST_MIGRATE[db] = snapshot.copy_out(["django_content_type", "auth_permission"], db)
    return None


def fast_pdf(html: str) -> bytes:
    """A real one-page PDF standing for WeasyPrint's rendering of `html`, in a fraction of a
    millisecond instead of a tenth of a second: it names the document (its <title>) and writes
    the SHA-256 of its HTML, so two documents differ where WeasyPrint's would. It parses, passes
    the upload validation and takes a PAdES signature (in the box pyHanko falls back to: it
    reserves none)."""
    title = re.search(r"<title>(.*?)</title>", html, re.DOTALL)
    lines = [
        title[1].strip() if title else "documento",
        f"sha256 {hashlib.sha256(html.encode()).hexdigest()}",
    ]
    instructions = [([], "BT"), ([pikepdf.Name.F1, 9], "Tf"), ([40, 800], "Td"), ([12], "TL")]
    for line in lines:
        instructions += [([pikepdf.String(line)], "Tj"), ([], "T*")]
    instructions.append(([], "ET"))
    out = BytesIO()
    with pikepdf.new() as document:
        page = document.add_blank_page(page_size=(595, 842))
        page.Resources = pikepdf.Dictionary(
            Font=pikepdf.Dictionary(
                F1=pikepdf.Dictionary(
                    Type=pikepdf.Name.Font,
                    Subtype=pikepdf.Name.Type1,
                    BaseFont=pikepdf.Name.Helvetica,
                )
            )
        )
        page.Contents = document.make_stream(
            pikepdf.unparse_content_stream(
                [
                    pikepdf.ContentStreamInstruction(operands, pikepdf.Operator(operator))
                    for operands, operator in instructions
                ]
            )
        )
        document.save(out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def _fast_pdf(request, monkeypatch):
    """Most tests make documents on the way to what they test (a quote to accept, a contract to
    sign): they get `fast_pdf` instead of WeasyPrint, which took a fifth of the suite. Tests about
    the documents themselves (their text, pages, signature boxes, what WeasyPrint writes) are
    marked `real_pdf`; the browser's tests (journeys) render too."""
    if request.node.get_closest_marker("real_pdf") or request.node.get_closest_marker("browser"):
        return
    monkeypatch.setattr(pdf, "html_to_pdf", fast_pdf)


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    from polis.ledger.selectors import forget_log

    cache.clear()
    forget_log()
    yield
    cache.clear()
    forget_log()


def login_verified(client, user: User) -> None:
    """Log `user` in as after a complete login, with the second factor if the user has one."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


def session_key_of(user: User) -> str:
    """The key of a new session of `user` after a complete login (login_verified)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    login_verified(client, user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


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
    return UserFactory(role=User.Role.ADJUSTER, email="liquidatore@example.it", with_totp=True)


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


def shared_var_dir() -> Path:
    """VAR_DIR, or under pytest-xdist the folder that all workers share (polis.pytest_profile):
    where the tests leave what people read after the run."""
    from django.conf import settings

    return Path(os.environ.get("POLIS_TEST_SHARED_VAR_DIR") or settings.VAR_DIR)


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")


def _require_all() -> bool:
    return os.environ.get("POLIS_REQUIRE_ALL_TESTS") == "1"


def skip_or_fail(reason: str) -> None:
    """Skip loudly in development; in CI (POLIS_REQUIRE_ALL_TESTS=1) a skip is a failure."""
    if _require_all():
        pytest.fail(f"required test cannot run: {reason}")
    pytest.skip(reason)


@pytest.fixture
def redis_server(tmp_path):
    """A private redis-server of the test's own (tests.servers.PrivateRedis), stopped after it."""
    from tests.servers import private_redis

    if shutil.which("redis-server") is None:
        skip_or_fail("redis-server is not installed")
    with private_redis(tmp_path) as server:
        yield server


@pytest.fixture(scope="session")
def _chromium():
    path = chromium_path()
    if path is None:
        skip_or_fail("Chromium is not installed (apt-get install chromium): browser tests SKIPPED")
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_page(_chromium, live_server, settings):
    """A fresh Chromium page (phone-sized when asked) on the live server; see `screenshot`.
    Pages are served as production serves them: the page and user caches on."""
    settings.ALLOWED_HOSTS = ["*"]
    settings.PAGE_CACHE_SECONDS = 60
    settings.CACHE_USERS = True
    context = _chromium.new_context(base_url=live_server.url, locale="it-IT")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(request):
    """screenshot(page, name): save a PNG under var/screenshots/ (kept as a CI artifact)."""
    folder = shared_var_dir() / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)

    def take(page, name: str, full_page: bool = True) -> None:
        page.screenshot(path=str(folder / f"{request.node.name}-{name}.png"), full_page=full_page)

    return take


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """pytest-django has put the tests in Django's order: in a transaction, transactional, then
    without a database. Inside each kind the slow ones go first: under pytest-xdist a worker
    takes the next test when it is nearly done, and a slow one handed out last would keep one
    worker busy while the other waits at the end."""
    items.sort(key=lambda item: (_database_kind(item), item.get_closest_marker("slow") is None))


def _database_kind(item) -> int:
    """0 in a transaction, 1 transactional, 2 without a database: pytest-django's order."""
    from pytest_django.plugin import validate_django_db

    marker = item.get_closest_marker("django_db")
    fixtures = set(getattr(item, "fixturenames", ()))
    transactional, reset_sequences, *_ = validate_django_db(marker) if marker else (False, False)
    if transactional or reset_sequences or {"transactional_db", "live_server"} & fixtures:
        return 1
    return 0 if marker or "db" in fixtures else 2


def pytest_terminal_summary(terminalreporter):
    skipped = terminalreporter.stats.get("skipped", [])
    if any("browser tests SKIPPED" in str(report.longrepr) for report in skipped):
        terminalreporter.write_sep("!", "BROWSER TESTS WERE SKIPPED: install chromium", red=True)


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """STATIC_ROOT with collectstatic run once in the whole run, for tests that start the
    production profile: under pytest-xdist the first worker to need it collects (tens of seconds
    of hashing and compressing) while the others wait for it, in the folder they share."""
    import fcntl
    import subprocess
    import sys

    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # pytest-xdist's workers have their base folders side by side
    root = shared / "collected-static"
    with open(shared / "collected-static.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "staticfiles.json").exists():  # no other worker has collected it
            env = {
                **os.environ,
                "DEBUG": "0",
                "SECRET_KEY": "collectstatic-only",
                "STATIC_ROOT": str(root),
            }
            env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                cwd=Path(__file__).parent,
                env=env,
                check=True,
            )
    return str(root)
