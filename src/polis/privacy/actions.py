"""What a user may do to a data-subject request now: the buttons of its page (see
`polis.core.actions`). The services remain the ones that decide."""

from polis.core.access import MGA_STAFF, can
from polis.core.actions import Action, Actions
from polis.privacy.models import DataSubjectRequest

S = DataSubjectRequest.Status


def _acts_on(user, request: DataSubjectRequest) -> bool:
    """The MGA's staff on every request, a firm's administrator on his firm's."""
    if not can(user, "handle_privacy_requests"):
        return False
    return user.role in MGA_STAFF or request.firm_id == user.firm_id


ACTIONS = Actions(
    {
        "extend": Action("handle_privacy_requests", to=S.EXTENDED),
        "export": Action(
            "handle_privacy_requests",
            sources=DataSubjectRequest.OPEN,
            when=lambda request, user: request.wants_export,
        ),
        "answer": Action("handle_privacy_requests", to=S.ANSWERED),
    },
    acts_on=_acts_on,
)
