"""The portfolio import: a user's steps (upload and dry run, confirmation, cancellation, the
audit of exports) in `batches`, the background work they start (the check, the import of the
confirmed rows) in `importing`. This package re-exports their functions."""

from polis.portfolio.services.batches import (
    cancel_import,
    check_firm,
    confirm_import,
    record_export,
    record_report_download,
    upload_portfolio,
)
from polis.portfolio.services.importing import import_batch, validate_batch

__all__ = [
    "cancel_import",
    "check_firm",
    "confirm_import",
    "import_batch",
    "record_export",
    "record_report_download",
    "upload_portfolio",
    "validate_batch",
]
