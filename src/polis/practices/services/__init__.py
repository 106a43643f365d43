"""Practices: from a quote to an issued policy (numbered, contract PDF, disclosures, ledger),
perfezionamento (payments, in force), expiries and renewals. One module per topic; this package
re-exports their service functions."""

from polis.practices.services.documents import (
    OTHER_DOCUMENT,
    add_practice_documents,
    record_demands_and_needs,
)
from polis.practices.services.issuing import convert_quote, create_practice, issue_practice
from polis.practices.services.payments import (
    record_payment,
    reject_payment,
    start_practices,
    verify_payment,
)
from polis.practices.services.renewals import (
    change_renewal_answers,
    expire_practices,
    renew_practice,
    send_expiry_reminders,
)
from polis.practices.services.review import (
    answer_practice_information,
    approve_practice,
    decline_practice,
    record_practice_message,
    request_practice_information,
    write_about_practice,
)
from polis.practices.services.signing import (
    DISCLOSURE_LINK_SALT,
    DISCLOSURE_RECEIPT,
    ELECTRONIC,
    confirm_disclosure_delivery,
    disclosures_link,
    disclosures_token,
    practice_for_disclosure_link,
    prepare_disclosures,
    record_contract_signed,
    record_documents_acknowledged,
    record_paper_delivery,
    record_signature_closed,
    resend_disclosures,
    send_practice_for_signature,
    signing_documents,
)

__all__ = [
    "DISCLOSURE_LINK_SALT",
    "DISCLOSURE_RECEIPT",
    "ELECTRONIC",
    "OTHER_DOCUMENT",
    "add_practice_documents",
    "answer_practice_information",
    "approve_practice",
    "change_renewal_answers",
    "confirm_disclosure_delivery",
    "convert_quote",
    "create_practice",
    "decline_practice",
    "disclosures_link",
    "disclosures_token",
    "expire_practices",
    "issue_practice",
    "practice_for_disclosure_link",
    "prepare_disclosures",
    "record_contract_signed",
    "record_demands_and_needs",
    "record_documents_acknowledged",
    "record_paper_delivery",
    "record_payment",
    "record_practice_message",
    "record_signature_closed",
    "reject_payment",
    "renew_practice",
    "request_practice_information",
    "resend_disclosures",
    "send_expiry_reminders",
    "send_practice_for_signature",
    "signing_documents",
    "start_practices",
    "verify_payment",
    "write_about_practice",
]
