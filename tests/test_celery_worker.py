"""A task round-trips through a real Celery worker on Redis (CI runs this on PostgreSQL)."""

import os
import time
import uuid

import pytest
import redis
from django.db import connection

from conftest import skip_or_fail
from polis.celery import app
from polis.notify.models import OutboundMessage
from polis.notify.tasks import deliver_message
from tests.servers import start_celery_worker, stop

REDIS_URL = os.environ.get("POLIS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def broker():
    if connection.vendor != "postgresql":
        skip_or_fail("the worker shares the test database: needs DATABASE_URL on PostgreSQL")
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:
        skip_or_fail(f"Redis is not reachable at {REDIS_URL}")
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = saved


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_outbox_delivery_runs_on_a_real_worker(broker, tmp_path):
    # given: a worker process on Redis, sharing the test database
    db = connection.settings_dict
    queue = f"polis-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": REDIS_URL,
        "EMAIL_BACKEND": "file",
        "EMAIL_FILE_PATH": str(tmp_path),
    }
    worker = start_celery_worker(env, "-Q", queue)
    message = OutboundMessage.objects.create(
        channel="email", recipient="a@example.it", subject="Dal worker", body_text="Ciao"
    )
    try:
        # when
        # an explicit connection: the app may already hold a pool for its default broker
        with app.connection_for_write(REDIS_URL) as broker_connection:
            deliver_message.apply_async(
                args=[message.pk], queue=queue, connection=broker_connection
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            message.refresh_from_db()
            if message.status == OutboundMessage.Status.SENT:
                break
            time.sleep(0.2)
    finally:
        stop(worker)
    # then
    assert message.status == OutboundMessage.Status.SENT
    written = b"".join(path.read_bytes() for path in tmp_path.iterdir())
    assert b"Subject: Dal worker" in written
