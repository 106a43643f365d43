from celery import shared_task

from polis.retention import services


@shared_task
def purge_expired() -> int:
    """Nightly: apply the retention periods; returns the run's id (its report)."""
    return services.purge_expired().pk
