"""A Celery worker killed (SIGKILL) while the SMS gateway holds its request: the message is not
lost, no other worker sends it while the lease runs, and once the lease expires it is sent again
with the same Idempotency-Key — the crash window of at-least-once delivery (RELIABILITY.md)."""

import contextlib
import json
import os
import signal
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connection

from conftest import skip_or_fail
from polis.celery import app
from polis.notify import delivery
from polis.notify.models import OutboundMessage
from polis.notify.tasks import deliver_message
from tests.reliability import report
from tests.servers import start_celery_worker, stop

LEASE_SECONDS = 8


class Gateway(BaseHTTPRequestHandler):
    """An SMS gateway that holds the first request until told to answer."""

    keys: list[str] = []
    first_arrived = threading.Event()
    release = threading.Event()

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        Gateway.keys.append(self.headers["Idempotency-Key"])
        if len(Gateway.keys) == 1:
            Gateway.first_arrived.set()
            Gateway.release.wait(30)
        body = json.dumps({"id": f"gw-{len(Gateway.keys)}"}).encode()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # a killed worker
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Gateway.keys = []
    Gateway.first_arrived.clear()
    Gateway.release.clear()
    settings.SMS_BACKEND = "http"
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_port}/sms"
    yield server
    Gateway.release.set()
    server.shutdown()
    server.server_close()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_send(gateway, redis_server, settings):
    if connection.vendor != "postgresql":
        skip_or_fail("the worker shares the test database: needs DATABASE_URL on PostgreSQL")
    # given: a worker on a private Redis, sharing the test database, with a short lease
    db = connection.settings_dict
    queue = f"polis-test-{uuid.uuid4().hex[:8]}"
    worker = start_celery_worker(
        {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "CELERY_BROKER_URL": redis_server.url,
            "SMS_BACKEND": "http",
            "SMS_GATEWAY_URL": settings.SMS_GATEWAY_URL,
            "OUTBOX_LEASE_SECONDS": str(LEASE_SECONDS),
        },
        "-Q",
        queue,
    )
    message = OutboundMessage.objects.create(
        channel="sms", recipient="+393331234567", body_text="Promemoria"
    )
    eager, app.conf.task_always_eager = app.conf.task_always_eager, False
    try:
        with app.connection_for_write(redis_server.url) as broker:
            deliver_message.apply_async(args=[message.pk], queue=queue, connection=broker)
        # when: the worker is killed while the gateway holds its request
        assert Gateway.first_arrived.wait(60)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
        Gateway.release.set()
    finally:
        app.conf.task_always_eager = eager
        if worker.poll() is None:
            stop(worker)
    # then: the message waits under its lease; the sweeper leaves it alone until it expires
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboundMessage.Status.PENDING, 1)
    settings.OUTBOX_LEASE_SECONDS = LEASE_SECONDS
    assert delivery.deliver_due_messages() == 0
    time.sleep(LEASE_SECONDS + 0.5)
    delivered = delivery.deliver_due_messages()
    # then: sent again, with the same key: a gateway that honours it drops the copy
    message.refresh_from_db()
    assert (delivered, message.status, message.attempts) == (1, OutboundMessage.Status.SENT, 2)
    assert Gateway.keys == [str(message.uuid)] * 2
    report(
        "Worker killed while the SMS gateway held its request",
        messages=1,
        delivered=1,
        gateway_requests=len(Gateway.keys),
        distinct_idempotency_keys=len(set(Gateway.keys)),
        lost=0,
    )
