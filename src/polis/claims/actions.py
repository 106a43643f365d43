"""What a user may do to a claim now: the forms of the claim page and `allowed_actions` in the
API, from the lifecycle table and the access rules (see `polis.core.actions`). The services
remain the ones that decide."""

from polis.claims.models import Claim
from polis.claims.selectors import acts_on, documentation_to_confirm
from polis.core.actions import Action, Actions

S = Claim.Status


def _is_open(claim: Claim, user) -> bool:
    return claim.is_open


ACTIONS = Actions(
    {
        "documents": Action("view_claims", when=_is_open),
        "note": Action("view_claims"),
        "message": Action("use_messages"),
        "request_documents": Action("adjust_claims", to=S.DOCS_MISSING),
        "documents_complete": Action(
            "handle_claims", when=lambda c, u: documentation_to_confirm(c)
        ),
        "assign": Action("handle_claims", to=S.ASSIGNED),
        # the insurer's number comes from the insurer: its adjuster records it too (by the
        # page, or its claims system by the API, issue 24 §4)
        "insurer_number": Action("adjust_claims", when=_is_open),
        "quietanza": Action("adjust_claims", to=S.OFFER_RECEIVED),
        "payment": Action("handle_claims", to=S.PAID),
        "close": Action("handle_claims", to=S.CLOSED),
        # rejected or closed without payment: the two endings start from the same statuses
        "end": Action("handle_claims", to=S.REJECTED),
        "reopen": Action("handle_claims", to=S.REOPENED),
    },
    acts_on=acts_on,
)

# The actions under "Gestione" on the claim page: the MGA's and the adjuster's handling.
MANAGING = frozenset(ACTIONS) - {"documents", "note", "message"}


def allowed_actions(claim: Claim, user) -> frozenset[str]:
    """The actions `user` may take on `claim` now."""
    return ACTIONS.allowed(claim, user)
