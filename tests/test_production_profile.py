"""The production profile starts and serves: gunicorn + a Celery worker on Redis + PostgreSQL."""

import os
import re
import time
import urllib.parse
import urllib.request

import pytest
import redis
from django.db import connection

from conftest import skip_or_fail
from polis.notify.models import OutboundMessage
from polis.web.faq_seed import load_seed_faq
from polis.web.models import ContactRequest, FaqEntry
from tests.servers import production_environment, start_celery_worker, start_gunicorn, stop

REDIS_URL = os.environ.get("POLIS_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


@pytest.fixture
def production(tmp_path, collected_static):
    if connection.vendor != "postgresql":
        skip_or_fail("the production profile runs on PostgreSQL: set DATABASE_URL")
    try:
        redis.Redis.from_url(REDIS_URL).flushdb()  # rate-limit counters of earlier runs
    except redis.ConnectionError:
        skip_or_fail(f"Redis is not reachable at {REDIS_URL}")
    db = connection.settings_dict
    env = production_environment(
        database_url=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        var=tmp_path,
        STATIC_ROOT=collected_static,
        CELERY_BROKER_URL=REDIS_URL,
        CACHE_URL=REDIS_URL,
        EMAIL_BACKEND="file",
        EMAIL_FILE_PATH=str(tmp_path / "mail"),
    )
    worker = start_celery_worker(env)
    try:
        web, base = start_gunicorn(env)
    except BaseException:
        # a worker left behind would take the next run's tasks from the shared queue
        stop(worker)
        raise
    yield base, tmp_path
    stop(web, worker)


@pytest.mark.slow
@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_production_profile_serves_pages_and_delivers_through_the_worker(production):
    # given
    load_seed_faq(FaqEntry)  # transactional tests start from a flushed database
    base, var = production
    opener = urllib.request.build_opener()
    # when: a visitor reads the FAQ and writes through "Contattaci"
    faq = opener.open(base + "/faq/").read().decode()
    css = opener.open(base + re.search(r'href="(/static/vendor/bootstrap/[^"]+)"', faq)[1])
    form_response = opener.open(base + "/contattaci/")
    # The CSRF cookie is Secure in production; over loopback HTTP we hand it back ourselves.
    cookie = form_response.headers["Set-Cookie"].split(";")[0]
    form = form_response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
    data = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token,
            "name": "Ada",
            "email": "ada@example.it",
            "subject": "Dal profilo di produzione",
            "message": "Ciao",
            "privacy": "on",
        }
    ).encode()
    sent = opener.open(
        urllib.request.Request(base + "/contattaci/", data=data, headers={"Cookie": cookie})
    )
    # then: pages and hashed static files are served, the worker delivers the e-mail
    assert "Come usare la Firma Digitale?" in faq
    assert css.status == 200
    assert sent.url.endswith("/contattaci/inviato/")
    assert ContactRequest.objects.get().subject == "Dal profilo di produzione"
    deadline = time.monotonic() + 60
    while OutboundMessage.objects.filter(status="sent").count() < 1:
        assert time.monotonic() < deadline, "the worker did not deliver the e-mail"
        time.sleep(0.3)
    mail = b"".join(path.read_bytes() for path in (var / "mail").iterdir())
    assert b"Contattaci: Dal profilo di produzione" in mail
