"""What an operator may do to a legal hold now: the buttons of its page (see
`polis.core.actions`). The services remain the ones that decide."""

from polis.core.actions import Action, Actions
from polis.retention.models import LegalHold

ACTIONS = Actions(
    {"release": Action("manage_retention", to=LegalHold.Status.RELEASED)},
    acts_on=lambda user, hold: True,
)
