from celery import shared_task

from polis.signatures.services import send_reminders


@shared_task
def send_signature_reminders() -> int:
    return send_reminders()
