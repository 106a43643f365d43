import logging

from celery import shared_task
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from polis.integrations import delivery

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def deliver_webhooks(delivery_ids: list[int]) -> int:
    return sum(delivery.deliver_webhook(pk) for pk in delivery_ids)


@shared_task(ignore_result=True)
def deliver_due_webhooks() -> int:
    return delivery.deliver_due_webhooks()


def enqueue_webhooks(delivery_ids: list[int]) -> None:
    """Hand committed deliveries to a worker; if the broker is down the sweeper sends them."""
    try:
        deliver_webhooks.delay(delivery_ids)
    except (OperationalError, RedisError, OSError):
        logger.warning("broker unavailable: %d webhook(s) wait for the sweeper", len(delivery_ids))
