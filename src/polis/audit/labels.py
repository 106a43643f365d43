"""Italian labels for audit actions; each app registers its own at start-up."""

from django.utils.functional import Promise

ACTION_LABELS: dict[str, str | Promise] = {}


def register_action_labels(labels: dict[str, str | Promise]) -> None:
    ACTION_LABELS.update(labels)


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))
