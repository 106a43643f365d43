"""Claims: intake, handling by the adjuster, settlement by a signed quietanza, and the reports.
One module per topic; this package re-exports their service functions."""

from polis.claims.services.handling import (
    add_claim_note,
    assign_adjuster,
    close_claim,
    end_claim,
    record_insurer_claim_number,
    reopen_claim,
    write_about_claim,
)
from polis.claims.services.intake import (
    add_claim_documents,
    add_insured_claim_documents,
    mark_documentation_complete,
    open_claim,
    request_claim_documents,
)
from polis.claims.services.purge import pseudonymise_claims
from polis.claims.services.reports import record_claim_access, send_overdue_report
from polis.claims.services.settlement import (
    claim_of,
    post_quietanza,
    quietanza_context,
    record_claim_payment,
    record_quietanza_closed,
    record_quietanza_signed,
)

__all__ = [
    "add_claim_documents",
    "add_claim_note",
    "add_insured_claim_documents",
    "assign_adjuster",
    "claim_of",
    "close_claim",
    "end_claim",
    "mark_documentation_complete",
    "open_claim",
    "post_quietanza",
    "pseudonymise_claims",
    "quietanza_context",
    "record_claim_access",
    "record_claim_payment",
    "record_insurer_claim_number",
    "record_quietanza_closed",
    "record_quietanza_signed",
    "reopen_claim",
    "request_claim_documents",
    "send_overdue_report",
    "write_about_claim",
]
