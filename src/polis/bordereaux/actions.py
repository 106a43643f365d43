"""What a user may do to a bordereau now (see `polis.core.actions`)."""

from polis.core.actions import Action, Actions

ACTIONS = Actions({"regenerate": Action("report_to_insurers")})
