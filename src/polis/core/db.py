from django.conf import settings
from django.db.migrations.operations.base import Operation


def read_only_alias() -> str:
    """The database for heavy read-only selectors: the replica when one is configured.

    Only lists and exports use it, never a read that must see the user's own latest write.
    """
    return "replica" if "replica" in settings.DATABASES else "default"


class VendorSQL(Operation):
    """A migration operation running the statements written for the database's vendor
    (`{"postgresql": [...], "sqlite": [...]}`; a vendor left out runs nothing), and their reverse
    when unapplied. An operation rather than RunPython over a closure, so that squashed
    migrations can carry it."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, forward: dict[str, list[str]], reverse: dict[str, list[str]]):
        self.forward = forward
        self.reverse = reverse

    def state_forwards(self, app_label, state) -> None:
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        self._run(schema_editor, self.forward)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        self._run(schema_editor, self.reverse)

    @staticmethod
    def _run(schema_editor, statements: dict[str, list[str]]) -> None:
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    def describe(self) -> str:
        return "SQL for the database's vendor"
