"""What a signature is for: the owning domain registers a handler per kind of subject.

`signatures` imports no domain (DESIGN §4); when a request ends, it calls the handler the
owner registered at start-up, inside the same transaction, so a failing handler leaves
nothing signed.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from polis.ledger.events import EVENT_TYPES


class SubjectKind(StrEnum):
    """The kinds of subject the domains register: one spelling for the owner's registration,
    the requests it creates and its reads of them (`SignatureRequest.subject_kind`)."""

    PRACTICE = "practice"  # practices: the contract, with the pre-contractual documents
    QUIETANZA = "quietanza"  # claims: the quietanza, accepted or contested
    ENDORSEMENT = "endorsement"  # practices: the appendice of a variazione di polizza


@dataclass(frozen=True)
class SubjectHandler:
    # called with the SignatureRequest once the document is signed
    on_signed: Callable
    # called when a request ends unsigned: declined, voided or expired
    on_closed: Callable
    # the staff page of the subject, for links and redirects
    url: Callable
    # what the signer's page offers instead of signing (e.g. refusing a quietanza)
    decline_title: str = ""
    decline_help: str = ""
    # documents the signer must receive and read before signing (e.g. the pre-contractual
    # disclosure): called with the request, returns [{title, version, sha256, file}]
    documents: Callable | None = None
    # called with the request and the time once the signer acknowledged those documents
    on_documents_acknowledged: Callable | None = None
    # called with an expired request: whether a fresh link may revive it (a contract's only
    # while its practice still waits for the signature); None: always
    may_revive: Callable | None = None
    # the public ledger's event types of the signed document and of its signature report, so
    # that the register says what was signed (a quietanza is not a contract)
    signed_event: str = "contract.signed"
    evidence_event: str = "contract.evidence"
    # the signer's page in the subject's words: the signing and declining buttons, and what a
    # declined request says when its link is opened again
    sign_label: str = ""
    decline_label: str = ""
    declined_message: str = ""
    signed_message: str = ""
    # the signer's e-mails (notify/email/<template>): the request and the confirmation
    request_template: str = "signature_request"
    reminder_template: str = "signature_reminder"
    done_template: str = "signature_done"
    # the firm's e-mails when the signer signs or declines ("": the owner tells it itself)
    signed_firm_template: str = "signature_signed_firm"
    declined_template: str = "signature_declined"
    # more context for those e-mails and SMS, from the SignatureRequest (e.g. the amount offered)
    context: Callable | None = None

    def __post_init__(self):
        for event in (self.signed_event, self.evidence_event):
            if event not in EVENT_TYPES:
                raise ValueError(f"{event!r} is not a ledger event type (polis.ledger.events)")

    def context_for(self, request) -> dict:
        return self.context(request) if self.context else {}

    def revivable(self, request) -> bool:
        return self.may_revive is None or self.may_revive(request)


_handlers: dict[str, SubjectHandler] = {}


def register_subject(kind: str, **handler) -> None:
    _handlers[kind] = SubjectHandler(**handler)


def handler_for(kind: str) -> SubjectHandler:
    try:
        return _handlers[kind]
    except KeyError:
        raise LookupError(f"no signature handler registered for {kind!r}") from None
