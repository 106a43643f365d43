"""What a user may do to a quote or a custom quote request now: the buttons of their pages,
from the lifecycle tables and the access rules (see `polis.core.actions`). The services remain
the ones that decide."""

from polis.core.access import Role, can
from polis.core.actions import Action, Actions
from polis.quotes.models import Quote, QuoteRequest

Q = Quote.Status
R = QuoteRequest.Status


def _acts_on(user, quote_or_request) -> bool:
    """The firm's collaborators on its own quotes and requests, and the MGA."""
    if not can(user, "view_quotes"):
        return False
    return user.role != Role.COLLABORATOR or quote_or_request.firm_id == user.firm_id


def _valid(quote: Quote, user) -> bool:
    return not quote.is_expired


ACTIONS = Actions(
    {
        "convert": Action("work_portfolio", to=Q.CONVERTED, when=_valid),
        "send": Action("work_portfolio", when=_valid),
        "duplicate": Action("work_portfolio"),
    },
    acts_on=_acts_on,
)

REQUEST_ACTIONS = Actions(
    {
        "offer": Action("answer_quote_requests", to=R.OFFERED),
        "decline": Action("answer_quote_requests", to=R.DECLINED),
        "accept": Action("work_portfolio", to=R.ACCEPTED),
    },
    acts_on=_acts_on,
)
