from celery import shared_task

from polis.practices import services


@shared_task
def follow_practice_dates() -> dict:
    """Just after midnight: perfezionate practices whose start date has come enter into force,
    and those past their end expire (the morning job repeats the expiry, which is idempotent)."""
    return {"started": services.start_practices(), "expired": services.expire_practices()}


@shared_task
def process_expiries() -> dict:
    """Daily: expiry digests at 60/30/7 days, then practices past their end become expired."""
    return {
        "reminders": services.send_expiry_reminders(),
        "expired": services.expire_practices(),
    }
