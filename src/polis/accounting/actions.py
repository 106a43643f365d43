"""What a user may do to a remittance or a SEPA batch now: the buttons of its page (see
`polis.core.actions`). The services remain the ones that decide."""

from polis.accounting.models import PayoutBatch, Remittance
from polis.core.actions import Action, Actions

REMITTANCE_ACTIONS = Actions({"confirm": Action("manage_accounting", to=Remittance.Status.PAID)})
BATCH_ACTIONS = Actions({"confirm": Action("manage_accounting", to=PayoutBatch.Status.SENT)})
