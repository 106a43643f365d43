"""Delivery under faults: the provider is called outside any transaction; a crash mid-send, a
second worker, a database connection lost while sending. At-least-once, one key per message."""

import threading
from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from conftest import skip_or_fail
from polis.notify import delivery
from polis.notify.models import OutboundMessage

pytestmark = pytest.mark.django_db(transaction=True)


class WorkerKilled(BaseException):
    """What a SIGKILL looks like from inside: nothing after it runs (no except Exception)."""


@pytest.fixture
def provider(monkeypatch):
    """The development SMS provider, recording each call; `during` runs inside the call."""

    class Provider:
        references: list[str] = []
        in_transaction: list[bool] = []
        during = None

    def send(self, *, to, text, reference):
        Provider.references.append(reference)
        Provider.in_transaction.append(connection.in_atomic_block)
        if Provider.during:
            Provider.during()
        return f"outbox:{reference}"

    Provider.references, Provider.in_transaction = [], []
    monkeypatch.setattr("polis.notify.sms.OutboxSmsBackend.send", send)
    return Provider


def pending_sms() -> OutboundMessage:
    """A queued SMS, not yet handed to a worker (queue_sms would deliver it at once here)."""
    return OutboundMessage.objects.create(
        channel=OutboundMessage.Channel.SMS, recipient="+393331234567", body_text="Promemoria"
    )


def after(seconds: int):
    return timezone.now() + timedelta(seconds=seconds)


def test_the_provider_is_called_outside_any_transaction(provider):
    # given
    message = pending_sms()
    # when
    sent = delivery.deliver_message(message.pk)
    # then: no transaction, so no row lock, was open while the provider was on the line
    assert (sent, provider.in_transaction) == (True, [False])


def test_a_second_worker_during_the_send_does_not_send_again(provider):
    # given: while the first worker talks to the provider, a second one picks the message
    message = pending_sms()
    second = []
    provider.during = lambda: second.append(delivery.deliver_message(message.pk))
    # when
    first = delivery.deliver_message(message.pk)
    # then
    assert (first, second) == (True, [False])
    assert provider.references == [str(message.uuid)]
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboundMessage.Status.SENT, 1)


def test_a_worker_killed_mid_send_is_retried_once_its_lease_expires(provider, settings):
    # given: the worker dies while the provider has (perhaps) accepted the message
    settings.OUTBOX_LEASE_SECONDS = 300

    def killed():
        raise WorkerKilled

    provider.during = killed
    message = pending_sms()
    with pytest.raises(WorkerKilled):
        delivery.deliver_message(message.pk)
    provider.during = None
    # when: another worker, then the sweeper, look at it before the lease expires
    too_early = delivery.deliver_message(message.pk), delivery.deliver_due_messages()
    # then: nobody sends it while the lease runs
    assert too_early == (False, 0)
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.PENDING
    assert message.next_attempt_at > after(290)
    # when: the lease expires
    OutboundMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    resent = delivery.deliver_due_messages()
    # then: sent again, with the same idempotency key (at-least-once: the crash window)
    assert resent == 1
    assert provider.references == [str(message.uuid)] * 2
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboundMessage.Status.SENT, 2)


def test_a_late_failure_after_the_lease_was_taken_over_does_not_undo_the_delivery(provider):
    # given: a first send that fails slowly, after its lease expired and a second worker sent
    message = pending_sms()

    def slow_failure():
        provider.during = None
        OutboundMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        assert delivery.deliver_message(message.pk) is True  # the second worker
        raise OSError("timed out")

    provider.during = slow_failure
    # when
    first = delivery.deliver_message(message.pk)
    # then: the late failure does not undo the delivery
    assert first is False
    message.refresh_from_db()
    assert (message.status, message.last_error) == (OutboundMessage.Status.SENT, "")


def in_another_connection(work):
    """Run `work()` on a connection of its own (another worker), return what it returns."""
    result = []

    def run():
        try:
            result.append(work())
        except DatabaseError as error:
            result.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return result[0]


def require_postgresql():
    if connection.vendor != "postgresql":
        skip_or_fail("row locks and terminated connections need PostgreSQL")


def test_the_row_is_not_locked_while_the_provider_is_on_the_line(provider):
    # given
    require_postgresql()
    message = pending_sms()

    def lock_it():
        with transaction.atomic():
            return OutboundMessage.objects.select_for_update(nowait=True).get(pk=message.pk).pk

    locked = []
    provider.during = lambda: locked.append(in_another_connection(lock_it))
    # when
    delivery.deliver_message(message.pk)
    # then: another connection could lock the row at once
    assert locked == [message.pk]


def test_a_connection_terminated_while_sending_still_records_the_delivery(provider):
    # given: the database drops the worker's connection while it waits for the provider
    require_postgresql()
    message = pending_sms()
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid

    def terminate():
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            return cursor.fetchone()[0]

    terminated = []
    provider.during = lambda: terminated.append(in_another_connection(terminate))
    # when
    sent = delivery.deliver_message(message.pk)
    # then: recorded on a new connection, not left to be sent again
    assert (sent, terminated) == (True, [True])
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboundMessage.Status.SENT, 1)
