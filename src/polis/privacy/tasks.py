from celery import shared_task

from polis.privacy import services


@shared_task
def send_overdue_report() -> int:
    """Daily: the operators get the list of data-subject requests past their deadline."""
    return services.send_overdue_report()


@shared_task
def forget_expired_exports() -> int:
    """Daily: the files of exports whose link has expired are deleted; their hashes stay."""
    return services.forget_expired_exports()
