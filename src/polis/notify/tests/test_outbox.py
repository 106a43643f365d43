import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from django.db import connection, transaction
from django.utils import timezone

from polis.core.errors import PermissionDenied
from polis.notify import delivery, services
from polis.notify import tasks as tasks_module
from polis.notify.models import OutboundMessage
from tests.servers import free_port

pytestmark = pytest.mark.django_db


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self):
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        return "250 OK"


@pytest.fixture
def smtp(settings):
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    yield controller, inbox
    if getattr(controller, "_thread", None) is not None:
        controller.stop()


def make_due(message: OutboundMessage) -> None:
    OutboundMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())


def test_nothing_is_queued_when_the_change_rolls_back():
    # when
    def change_that_fails():
        with transaction.atomic():
            services.queue_sms(to="+393331234567", text="ciao")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        change_that_fails()
    # then
    assert not OutboundMessage.objects.exists()


def test_email_is_rendered_in_italian_with_text_and_html(mailoutbox):
    # when
    message = services.queue_email(to="a@example.it", template="registration_duplicate", context={})
    delivery.deliver_message(message.pk)
    # then
    sent = mailoutbox[0]
    assert sent.subject == "Richiesta di registrazione a Heca"
    assert "l'indirizzo o l'agenzia indicata risultano già registrati" in sent.body
    assert sent.alternatives[0][1] == "text/html"
    assert sent.extra_headers["Message-ID"] == f"<{message.uuid}@polis>"


def test_an_email_to_a_client_is_written_in_his_language_and_retried_in_it(smtp):
    # given an e-mail to an English client, while the SMTP server is down
    controller, inbox = smtp
    context = {
        "request": {
            "signer_name": "John Smith",
            "title": "Contratto di polizza RCP-2026-000001",
            "firm": {"name": "Agenzia Alfa"},
            "expires_at": timezone.now(),
        },
        "url": "https://polis.example/firma/abc/",
    }
    message = services.queue_email(
        to="john@example.com", template="signature_reminder", context=context, language="en"
    )
    assert delivery.deliver_message(message.pk) is False
    # when it is retried, in a job that speaks Italian
    controller.start()
    make_due(message)
    assert delivery.deliver_due_messages() == 1
    # then it went out in English, as written and recorded
    message.refresh_from_db()
    assert message.language == "en"
    assert message.subject == "Reminder: document to sign (Contratto di polizza RCP-2026-000001)"
    sent = inbox.messages[0].decode()
    assert "Dear John Smith," in sent
    assert "Agenzia Alfa is waiting for your signature on" in sent
    assert "Gentile" not in sent


def test_emails_queued_together_are_delivered_after_commit(
    mailoutbox, django_capture_on_commit_callbacks
):
    # when: a job queues three e-mails in its transaction
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        messages = services.queue_emails(
            [
                {"to": f"{name}@example.it", "template": "registration_duplicate", "context": {}}
                for name in ("anna", "bruno", "carla")
            ]
        )
        assert not mailoutbox  # nothing leaves before the commit
    # then
    assert sorted(sent.to[0] for sent in mailoutbox) == [
        "anna@example.it",
        "bruno@example.it",
        "carla@example.it",
    ]
    assert {sent.subject for sent in mailoutbox} == {"Richiesta di registrazione a Heca"}
    assert set(
        OutboundMessage.objects.filter(pk__in=[m.pk for m in messages]).values_list(
            "status", flat=True
        )
    ) == {OutboundMessage.Status.SENT}


def test_emails_queued_together_are_shared_among_workers(monkeypatch):
    # given
    tasks = []
    monkeypatch.setattr(tasks_module.deliver_messages, "delay", tasks.append)
    # when: a job's 120 messages are handed over
    tasks_module.enqueue_delivery(*range(1, 121))
    # then: in tasks of at most TASK_MESSAGES, every message once
    assert [len(ids) for ids in tasks] == [50, 50, 20]
    assert sorted(id_ for ids in tasks for id_ in ids) == list(range(1, 121))


def test_smtp_down_then_up_delivers_exactly_once(smtp):
    # given: the SMTP server is down
    controller, inbox = smtp
    message = services.queue_email(to="a@example.it", template="registration_duplicate", context={})
    # when
    assert delivery.deliver_message(message.pk) is False
    message.refresh_from_db()
    # then: kept, with the error and a later attempt
    assert (message.status, message.attempts) == (OutboundMessage.Status.PENDING, 1)
    assert "ConnectionRefusedError" in message.last_error
    assert message.next_attempt_at > timezone.now() + timedelta(seconds=20)
    assert delivery.deliver_due_messages() == 0  # not due yet: backoff holds
    # when: the server comes back and the next attempt is due
    controller.start()
    make_due(message)
    assert delivery.deliver_due_messages() == 1
    assert delivery.deliver_due_messages() == 0
    delivery.deliver_message(message.pk)
    # then
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboundMessage.Status.SENT, 2)
    assert len(inbox.messages) == 1
    assert b"Richiesta di registrazione a Heca" in inbox.messages[0]


def test_backoff_doubles_and_ends_in_failed(settings):
    # given
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    settings.OUTBOX_MAX_ATTEMPTS = 3
    message = services.queue_email(to="a@example.it", template="registration_duplicate", context={})
    delays = []
    # when
    for _ in range(3):
        before = timezone.now()
        delivery.deliver_message(message.pk)
        message.refresh_from_db()
        delays.append(round((message.next_attempt_at - before).total_seconds()))
        make_due(message)
    # then
    assert delays == [30, 60, 120]
    assert message.status == OutboundMessage.Status.FAILED


class Gateway(BaseHTTPRequestHandler):
    """A local SMS gateway whose answers the test scripts."""

    script: list[int | str] = []
    received: list[dict] = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        status = self.script.pop(0) if self.script else 200
        if status == "hang":  # silent for longer than the client waits
            threading.Event().wait(1.5)
            return
        if status == 200:
            Gateway.received.append({**body, "auth": self.headers["Authorization"]})
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps({"id": f"gw-{len(Gateway.received)}"}).encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.SMS_BACKEND = "http"
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_port}/sms"
    settings.SMS_GATEWAY_TOKEN = "token-di-prova"
    settings.SMS_TIMEOUT = 1
    Gateway.script, Gateway.received = [], []
    yield Gateway
    server.shutdown()
    server.server_close()


def test_sms_gateway_error_is_retried_and_sent_once(gateway):
    # given: the gateway answers 500 once
    gateway.script = [500]
    message = services.queue_sms(to="+393331234567", text="Codice firma 123456", sensitive=True)
    # when
    first = delivery.deliver_message(message.pk)
    make_due(message)
    second = delivery.deliver_message(message.pk)
    third = delivery.deliver_message(message.pk)
    # then
    message.refresh_from_db()
    assert (first, second, third) == (False, True, True)
    assert [r["to"] for r in gateway.received] == ["+393331234567"]
    assert gateway.received[0]["auth"] == "Bearer token-di-prova"
    assert gateway.received[0]["reference"] == str(message.uuid)
    assert message.provider_id == "gw-1"
    assert message.body_text == delivery.REDACTED  # a real provider has it: we forget the code


def test_sms_gateway_timeout_is_retried_later(gateway):
    # given: the gateway hangs once (beyond SMS_TIMEOUT), then answers
    gateway.script = ["hang"]
    message = services.queue_sms(to="+393331234567", text="Promemoria")
    # when
    first = delivery.deliver_message(message.pk)
    message.refresh_from_db()
    error = message.last_error
    make_due(message)
    second = delivery.deliver_message(message.pk)
    # then
    assert (first, second) == (False, True)
    assert "timed out" in error
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboundMessage.Status.SENT, 2)


def test_sms_outbox_backend_keeps_the_text_for_admins():
    # when
    message = services.queue_sms(to="+393331234567", text="Codice firma 654321", sensitive=True)
    delivery.deliver_message(message.pk)
    # then
    message.refresh_from_db()
    assert (message.status, message.body_text) == (
        OutboundMessage.Status.SENT,
        "Codice firma 654321",
    )


def test_queued_messages_are_delivered_after_commit(django_capture_on_commit_callbacks, mailoutbox):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.queue_email(to="a@example.it", template="registration_duplicate", context={})
    # then
    assert len(mailoutbox) == 1
    assert OutboundMessage.objects.get().status == OutboundMessage.Status.SENT


def test_admin_puts_a_failed_message_back_in_the_queue(admin_user, collaborator_a):
    # given
    message = OutboundMessage.objects.create(
        channel="email", recipient="a@example.it", subject="s", body_text="b", status="failed"
    )
    # when / then

    with pytest.raises(PermissionDenied):
        services.retry_message(actor=collaborator_a, message=message)
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.FAILED
    services.retry_message(actor=admin_user, message=message)
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.PENDING


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_send_a_message_once(monkeypatch):
    # given: a slow provider and four workers picking the same message at once

    if connection.vendor != "postgresql":
        pytest.skip("row locking across workers needs PostgreSQL")
    sends = []

    def slow_send(self, *, to, text, reference):
        sends.append(reference)
        threading.Event().wait(0.3)
        return "ok"

    monkeypatch.setattr("polis.notify.sms.OutboxSmsBackend.send", slow_send)
    message = services.queue_sms(to="+393331234567", text="ciao")
    results = []

    def worker():
        try:
            results.append(delivery.deliver_message(message.pk))
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    assert sends == [str(message.uuid)]
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboundMessage.Status.SENT, 1)


@pytest.mark.parametrize(
    ("backend", "shown"), [("outbox", True), ("http", False)], ids=["development", "gateway"]
)
def test_sms_codes_are_readable_in_sms_inviati_only_with_the_development_outbox(
    admin_user, client_for, settings, backend, shown
):
    # given: a signature code whose delivery is pending, and an ordinary SMS
    settings.SMS_BACKEND = backend
    OutboundMessage.objects.create(
        channel="sms", recipient="+393331234567", body_text="Codice firma 482913", sensitive=True
    )
    OutboundMessage.objects.create(
        channel="sms", recipient="+393331234567", body_text="Promemoria scadenza", status="failed"
    )
    # when
    page = client_for(admin_user).get("/back-office/sms/").content.decode()
    # then
    assert ("482913" in page) is shown
    assert "Promemoria scadenza" in page
    assert ("Codice nascosto" in page) is not shown
