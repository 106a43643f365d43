"""What a user may do to a complaint now: the buttons of its page (see `polis.core.actions`).
The services remain the ones that decide."""

from polis.complaints.models import Complaint
from polis.core.actions import Action, Actions

S = Complaint.Status

ACTIONS = Actions(
    {
        "assign": Action("handle_complaints", to=S.ASSIGNED),
        # about an insurer: it answers, the MGA forwards
        "forward": Action(
            "handle_complaints",
            to=S.FORWARDED,
            when=lambda complaint, user: complaint.to_forward,
        ),
        "answer": Action(
            "handle_complaints",
            to=S.ANSWERED,
            when=lambda complaint, user: not complaint.to_forward,
        ),
    },
)
