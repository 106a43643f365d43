import datetime

from celery import shared_task
from django.utils import timezone

from polis.bordereaux import services


@shared_task
def generate_last_month() -> int:
    """Monthly, on the 1st: every insurer's bordereaux of the month just ended. Running it again
    replaces them (one per insurer, month and kind)."""
    last_month = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    return services.generate_month(month=last_month)
