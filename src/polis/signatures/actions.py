"""What staff may do to a signature request now: send a fresh link, withdraw it (see
`polis.core.actions`). An expired request is sent again only while its subject allows (a
contract's while the practice waits for the signature: `SubjectHandler.may_revive`)."""

from polis.core.access import Role, can
from polis.core.actions import Action, Actions
from polis.signatures.models import SignatureRequest
from polis.signatures.registry import handler_for

S = SignatureRequest.Status


def _acts_on(user, request: SignatureRequest) -> bool:
    """The firm's collaborators on its own requests and the MGA; adjusters act on quietanze
    only through the claims pages (signatures.selectors)."""
    if not can(user, "manage_signatures") or user.role == Role.ADJUSTER:
        return False
    return user.role != Role.COLLABORATOR or request.firm_id == user.firm_id


ACTIONS = Actions(
    {
        # also what unlocks a request locked by wrong codes, or revives an expired one
        "resend": Action(
            "manage_signatures",
            to=S.SENT,
            when=lambda r, u: r.status != S.EXPIRED or handler_for(r.subject_kind).revivable(r),
        ),
        "void": Action("manage_signatures", to=S.VOIDED),
    },
    acts_on=_acts_on,
)
