from django.conf import settings


def read_only_alias() -> str:
    """The database for heavy read-only selectors: the replica when one is configured.

    Only lists and exports use it, never a read that must see the user's own latest write.
    """
    return "replica" if "replica" in settings.DATABASES else "default"
