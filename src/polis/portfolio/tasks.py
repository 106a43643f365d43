"""The portfolio import's Celery tasks, for the workers' discovery: they are defined beside the
work they run, in `polis.portfolio.services.importing`."""

from polis.portfolio.services.importing import run_import, validate_import

__all__ = ["run_import", "validate_import"]
