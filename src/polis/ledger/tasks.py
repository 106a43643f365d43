from celery import shared_task

from polis.ledger import services


@shared_task
def integrate_pending_entries() -> int:
    """The sequencer: integrate everything pending, then index what was appended straight to
    the log (every second)."""
    count = services.integrate_all()
    services.index_entries()
    if count:
        services.witness_latest()
        services.anchor_latest()
    return count


@shared_task
def verify_ledger() -> bool:
    """Daily: run `ledger verify`; alert the administrators by e-mail if anything is wrong."""
    return services.verify_and_alert()
