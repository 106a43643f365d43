import logging

from celery import shared_task
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from polis.notify import delivery

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def deliver_message(message_id: int) -> bool:
    return delivery.deliver_message(message_id)


@shared_task(ignore_result=True)
def deliver_due_messages() -> int:
    return delivery.deliver_due_messages()


def enqueue_delivery(message_id: int) -> None:
    """Hand a committed message to a worker; if the broker is down the sweeper sends it later."""
    try:
        deliver_message.delay(message_id)
    except (OperationalError, RedisError, OSError):
        logger.warning("broker unavailable: outbox message %s waits for the sweeper", message_id)
