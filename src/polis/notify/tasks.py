from celery import shared_task

from polis.notify import services


@shared_task(ignore_result=True)
def deliver_message(message_id: int) -> bool:
    return services.deliver_message(message_id)


@shared_task(ignore_result=True)
def deliver_due_messages() -> int:
    return services.deliver_due_messages()
