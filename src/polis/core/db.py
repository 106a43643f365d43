from django.conf import settings
from django.db import migrations


def read_only_alias() -> str:
    """The database for heavy read-only selectors: the replica when one is configured.

    Only lists and exports use it, never a read that must see the user's own latest write.
    """
    return "replica" if "replica" in settings.DATABASES else "default"


def vendor_sql(forward: dict[str, list[str]], reverse: dict[str, list[str]]):
    """A migration operation running the statements written for the database's vendor
    (`{"sqlite": [...], "postgresql": [...]}`), and their reverse when unapplied."""

    def run(statements: dict[str, list[str]]):
        def apply(apps, schema_editor) -> None:
            for sql in statements[schema_editor.connection.vendor]:
                schema_editor.execute(sql, params=None)

        return apply

    return migrations.RunPython(run(forward), run(reverse))
