from celery import shared_task

from polis.claims import services


@shared_task
def send_overdue_report() -> int:
    """Daily: the operators get the list of claims past their SLA."""
    return services.send_overdue_report()
