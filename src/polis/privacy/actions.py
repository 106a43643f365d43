"""What a user may do to a data-subject request now: the buttons of its page (see
`polis.core.actions`). The services remain the ones that decide."""

from django.utils import timezone

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
        # within the first month only (art. 12(3))
        "extend": Action(
            "handle_privacy_requests",
            to=S.EXTENDED,
            when=lambda request, user: request.due_on >= timezone.localdate(),
        ),
        "export": Action(
            "handle_privacy_requests",
            sources=DataSubjectRequest.OPEN,
            when=lambda request, user: request.wants_export,
        ),
        # access and portability are answered with their export
        "answer": Action(
            "handle_privacy_requests",
            to=S.ANSWERED,
            when=lambda request, user: not request.wants_export or request.exported_at is not None,
        ),
    },
    acts_on=_acts_on,
)
