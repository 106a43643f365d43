from celery import shared_task

from polis.portfolio.services import importing


@shared_task
def validate_import(batch_id: int) -> str:
    """The dry run of an uploaded file; a rerun starts its check over."""
    return importing.validate_batch(batch_id).status


@shared_task
def run_import(batch_id: int) -> str:
    """The import of a confirmed file; a rerun picks up the rows not yet handled."""
    return importing.run_import(batch_id).status
