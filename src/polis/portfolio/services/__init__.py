"""The portfolio import (upload and dry run, confirmation, the background import) and export."""

from polis.portfolio.services.jobs import run_import, validate_batch
from polis.portfolio.services.uploads import (
    cancel_import,
    confirm_import,
    record_export,
    record_report_download,
    upload_portfolio,
)

__all__ = [
    "cancel_import",
    "confirm_import",
    "record_export",
    "record_report_download",
    "run_import",
    "upload_portfolio",
    "validate_batch",
]
