"""The periodic jobs' log in `manage.py serve` (embedded default): one line when a job did
something. A filter of the console handler (LOGGING), so it survives Django setting logging up
again; it only touches lines logged while a periodic job runs in this thread."""

import contextlib
import logging
import threading
import time

# A warning a periodic job repeats (an unreachable witness, every second) shows once per period.
REPEAT_SECONDS = 600

_jobs = threading.local()


@contextlib.contextmanager
def periodic_jobs():
    """Mark this thread as running periodic jobs (`serve`'s scheduler)."""
    _jobs.running = True
    try:
        yield
    finally:
        _jobs.running = False


class QuietPeriodicJobs(logging.Filter):
    """Celery's line per task run is dropped (the scheduler writes its own, only for a job that
    did something); a repeated line shows once per REPEAT_SECONDS. Other lines pass untouched."""

    def __init__(self):
        super().__init__()
        self.seen: dict[tuple, float] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(_jobs, "running", False):
            return True
        if record.name.startswith("celery.app.trace"):
            return False
        key = (record.name, record.levelno, record.getMessage())
        now = time.monotonic()
        if now - self.seen.get(key, -REPEAT_SECONDS) < REPEAT_SECONDS:
            return False
        if len(self.seen) > 1000:
            self.seen.clear()
        self.seen[key] = now
        return True
