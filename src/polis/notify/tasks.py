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


@shared_task(ignore_result=True)
def deliver_messages(message_ids: list[int]) -> int:
    """Several messages queued together (a job's e-mails), one after the other."""
    return sum(delivery.deliver_message(pk) for pk in message_ids)


# Messages a task delivers at most: several workers share a job's e-mails, none holds many.
TASK_MESSAGES = 50


def enqueue_delivery(*message_ids: int) -> None:
    """Hand committed messages to the workers, TASK_MESSAGES to a task; if the broker is down
    the sweeper sends them later."""
    try:
        if len(message_ids) == 1:
            deliver_message.delay(message_ids[0])
        else:
            for first in range(0, len(message_ids), TASK_MESSAGES):
                deliver_messages.delay(list(message_ids[first : first + TASK_MESSAGES]))
    except (OperationalError, RedisError, OSError):
        logger.warning(
            "broker unavailable: %d outbox message(s) wait for the sweeper", len(message_ids)
        )
