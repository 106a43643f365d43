"""The database keeps every transaction balanced, on both vendors the project serves.

- A transaction is checked against its legs when its row is inserted: at least two, summing
  to zero (SQLite stores decimals as floats, hence its ROUND to the cent).
- No leg joins a transaction already inserted, and no leg is ever changed.
- A leg whose transaction was never inserted fails at commit: the foreign key is deferred.

On PostgreSQL a leg cannot be deleted either (a flush TRUNCATEs, which no row trigger sees);
SQLite's test flush deletes rows, so there the delete is left to the PROTECT foreign keys.
"""

from django.db import migrations

from polis.core.db import vendor_sql

SQLITE = [
    """
    CREATE TRIGGER accounting_transaction_balanced AFTER INSERT ON accounting_transaction
    BEGIN
        SELECT RAISE(ABORT, 'accounting: unbalanced transaction')
        WHERE (SELECT COUNT(*) FROM accounting_leg WHERE transaction_id = NEW.id) < 2
           OR (SELECT ROUND(SUM(amount), 2) FROM accounting_leg
               WHERE transaction_id = NEW.id) != 0;
    END
    """,
    """
    CREATE TRIGGER accounting_leg_closed BEFORE INSERT ON accounting_leg
    WHEN EXISTS (SELECT 1 FROM accounting_transaction WHERE id = NEW.transaction_id)
    BEGIN
        SELECT RAISE(ABORT, 'accounting: the transaction is already posted');
    END
    """,
    """
    CREATE TRIGGER accounting_leg_immutable BEFORE UPDATE ON accounting_leg
    BEGIN
        SELECT RAISE(ABORT, 'accounting: a posted leg never changes');
    END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER accounting_transaction_balanced",
    "DROP TRIGGER accounting_leg_closed",
    "DROP TRIGGER accounting_leg_immutable",
]

POSTGRESQL = [
    """
    CREATE FUNCTION accounting_transaction_balanced() RETURNS trigger AS $$
    DECLARE
        legs integer;
        total numeric;
    BEGIN
        SELECT COUNT(*), SUM(amount) INTO legs, total
        FROM accounting_leg WHERE transaction_id = NEW.id;
        IF legs < 2 OR total <> 0 THEN
            RAISE EXCEPTION 'accounting: unbalanced transaction %', NEW.id
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    -- planned on each call: a plan cached while the table was small would scan it whole
    SET plan_cache_mode = force_custom_plan
    """,
    """
    CREATE TRIGGER accounting_transaction_balanced AFTER INSERT ON accounting_transaction
    FOR EACH ROW EXECUTE FUNCTION accounting_transaction_balanced()
    """,
    """
    CREATE FUNCTION accounting_leg_guard() RETURNS trigger AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            RAISE EXCEPTION 'accounting: a posted leg never changes'
                USING ERRCODE = 'check_violation';
        END IF;
        IF EXISTS (SELECT 1 FROM accounting_transaction WHERE id = NEW.transaction_id) THEN
            RAISE EXCEPTION 'accounting: the transaction is already posted'
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    SET plan_cache_mode = force_custom_plan
    """,
    """
    CREATE TRIGGER accounting_leg_guard BEFORE INSERT OR UPDATE OR DELETE ON accounting_leg
    FOR EACH ROW EXECUTE FUNCTION accounting_leg_guard()
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER accounting_leg_guard ON accounting_leg",
    "DROP FUNCTION accounting_leg_guard()",
    "DROP TRIGGER accounting_transaction_balanced ON accounting_transaction",
    "DROP FUNCTION accounting_transaction_balanced()",
]


class Migration(migrations.Migration):
    dependencies = [("accounting", "0001_ledger")]

    operations = [
        vendor_sql(
            {"sqlite": SQLITE, "postgresql": POSTGRESQL},
            {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE},
        )
    ]
