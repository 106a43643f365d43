"""What a user may do to an import now: the buttons of its page (see `polis.core.actions`).
The services remain the ones that decide."""

from polis.core.access import can
from polis.core.actions import Action, Actions
from polis.portfolio.models import ImportBatch

S = ImportBatch.Status


def _acts_on(user, batch: ImportBatch) -> bool:
    """The MGA's staff on every import, a firm's administrator on his firm's."""
    return can(user, "import_portfolio") and (user.is_mga_staff or batch.firm_id == user.firm_id)


ACTIONS = Actions(
    {
        "confirm": Action(
            "import_portfolio", to=S.IMPORTING, when=lambda batch, user: batch.valid_rows > 0
        ),
        "cancel": Action("import_portfolio", to=S.CANCELLED),
    },
    acts_on=_acts_on,
)
