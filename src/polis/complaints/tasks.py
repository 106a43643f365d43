from celery import shared_task

from polis.complaints import services


@shared_task
def send_due_report() -> int:
    """Daily: the operators get the complaints past their deadline or close to it."""
    return services.send_due_report()
