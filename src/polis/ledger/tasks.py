from celery import shared_task

from polis.ledger import services


@shared_task
def integrate_pending_entries() -> int:
    """The sequencer, every second: integrate and index everything pending, cosign and
    time-stamp the latest checkpoint (services.publish_log)."""
    return services.publish_log()


@shared_task
def verify_ledger() -> bool:
    """Daily: run `ledger verify`; alert the administrators by e-mail if anything is wrong."""
    return services.verify_and_alert()
