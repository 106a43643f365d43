from celery import shared_task

from polis.audit import services


@shared_task
def purge_old_ip_addresses() -> int:
    return services.purge_old_ip_addresses()
