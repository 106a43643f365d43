"""The MGA's own commission and taxes get their accounts; the ledger's day totals.

`DayTotal` holds, per account, day, transaction kind, insurer and remittance (or none), the
sum and count of the legs. Only these triggers write it, on both vendors, in the database
transaction that posts the legs or puts them in a remittance, so it always equals the legs'
sums (the property test in tests/test_day_totals.py checks it after random postings):

- a transaction inserted adds its legs (PostgreSQL: once per statement, from its transition
  table, so a COPY of 100,000 transactions makes one grouped upsert; SQLite: per row);
- a transaction put in a remittance moves its legs from the open totals to the remittance's;
- a transaction's date, kind and insurer never change (legs never change: migration 0002).

What exists is summed in at migration time.
"""

import django.db.models.deletion
import django.db.models.functions.comparison
from django.db import migrations, models

from polis.core.db import vendor_sql

KEY = "account_id, insurer_id, date, kind, remittance_id, amount, legs"

POSTGRESQL = [
    """
    CREATE FUNCTION accounting_daytotal_posted() RETURNS trigger AS $$
    BEGIN
        INSERT INTO accounting_daytotal (account_id, insurer_id, date, kind, remittance_id, amount, legs)
        SELECT l.account_id, t.insurer_id, t.date, t.kind, t.remittance_id,
               SUM(l.amount), COUNT(*)
        FROM posted t JOIN accounting_leg l ON l.transaction_id = t.id
        GROUP BY 1, 2, 3, 4, 5
        ON CONFLICT (
            account_id, COALESCE(insurer_id, 0), date, kind, COALESCE(remittance_id, 0)
        ) DO UPDATE
        SET amount = accounting_daytotal.amount + EXCLUDED.amount,
            legs = accounting_daytotal.legs + EXCLUDED.legs;
        RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER accounting_daytotal_posted AFTER INSERT ON accounting_transaction
    REFERENCING NEW TABLE AS posted
    FOR EACH STATEMENT EXECUTE FUNCTION accounting_daytotal_posted()
    """,
    """
    CREATE FUNCTION accounting_daytotal_moved() RETURNS trigger AS $$
    BEGIN
        -- Each updated transaction's legs leave their old key and join their new one; for a
        -- transaction whose remittance did not change the two cancel out and are left out.
        -- (No join of the two transition tables: unplanned, it was a nested loop.)
        INSERT INTO accounting_daytotal (account_id, insurer_id, date, kind, remittance_id, amount, legs)
        SELECT l.account_id, m.insurer_id, m.date, m.kind, m.remittance_id,
               SUM(m.sign * l.amount), SUM(m.sign)
        FROM (
            SELECT id, insurer_id, date, kind, remittance_id, -1 AS sign FROM before_rows
            UNION ALL
            SELECT id, insurer_id, date, kind, remittance_id, 1 FROM after_rows
        ) m JOIN accounting_leg l ON l.transaction_id = m.id
        GROUP BY 1, 2, 3, 4, 5
        HAVING SUM(m.sign) <> 0 OR SUM(m.sign * l.amount) <> 0
        ON CONFLICT (
            account_id, COALESCE(insurer_id, 0), date, kind, COALESCE(remittance_id, 0)
        ) DO UPDATE
        SET amount = accounting_daytotal.amount + EXCLUDED.amount,
            legs = accounting_daytotal.legs + EXCLUDED.legs;
        RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER accounting_daytotal_moved AFTER UPDATE ON accounting_transaction
    REFERENCING OLD TABLE AS before_rows NEW TABLE AS after_rows
    FOR EACH STATEMENT EXECUTE FUNCTION accounting_daytotal_moved()
    """,
    """
    CREATE FUNCTION accounting_transaction_fixed() RETURNS trigger AS $$
    BEGIN
        IF (OLD.date, OLD.kind, OLD.insurer_id) IS DISTINCT FROM (NEW.date, NEW.kind, NEW.insurer_id)
        THEN
            RAISE EXCEPTION 'accounting: a posted transaction keeps its date, kind and insurer'
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER accounting_transaction_fixed BEFORE UPDATE ON accounting_transaction
    FOR EACH ROW EXECUTE FUNCTION accounting_transaction_fixed()
    """,
    """
    INSERT INTO accounting_daytotal (account_id, insurer_id, date, kind, remittance_id, amount, legs)
    SELECT l.account_id, t.insurer_id, t.date, t.kind, t.remittance_id,
           SUM(l.amount), COUNT(*)
    FROM accounting_transaction t JOIN accounting_leg l ON l.transaction_id = t.id
    GROUP BY 1, 2, 3, 4, 5
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER accounting_transaction_fixed ON accounting_transaction",
    "DROP FUNCTION accounting_transaction_fixed()",
    "DROP TRIGGER accounting_daytotal_moved ON accounting_transaction",
    "DROP FUNCTION accounting_daytotal_moved()",
    "DROP TRIGGER accounting_daytotal_posted ON accounting_transaction",
    "DROP FUNCTION accounting_daytotal_posted()",
]


def _sqlite_add(row: str, sign: str) -> list[str]:
    """SQLite statements adding `sign` × the legs of transaction `row` (NEW or OLD) to its
    totals: the missing rows created at zero, then added to."""

    def same_key(table: str) -> str:
        return f"""COALESCE({table}.insurer_id, 0) = COALESCE({row}.insurer_id, 0)
            AND {table}.date = {row}.date AND {table}.kind = {row}.kind
            AND COALESCE({table}.remittance_id, 0) = COALESCE({row}.remittance_id, 0)"""

    own_legs = f"""FROM accounting_leg l WHERE l.transaction_id = {row}.id
        AND l.account_id = accounting_daytotal.account_id"""
    return [
        f"""INSERT INTO accounting_daytotal ({KEY})
        SELECT account_id, {row}.insurer_id, {row}.date, {row}.kind,
               {row}.remittance_id, 0, 0
        FROM accounting_leg WHERE transaction_id = {row}.id AND NOT EXISTS (
            SELECT 1 FROM accounting_daytotal d
            WHERE d.account_id = accounting_leg.account_id AND {same_key("d")})
        GROUP BY account_id;""",  # noqa: S608 - constants only
        f"""UPDATE accounting_daytotal
        SET amount = ROUND(amount + {sign} * (SELECT SUM(l.amount) {own_legs}), 2),
            legs = legs + {sign} * (SELECT COUNT(*) {own_legs})
        WHERE {same_key("accounting_daytotal")} AND account_id IN (
            SELECT account_id FROM accounting_leg WHERE transaction_id = {row}.id);""",  # noqa: S608
    ]


SQLITE = [
    f"""
    CREATE TRIGGER accounting_daytotal_posted AFTER INSERT ON accounting_transaction
    BEGIN
        {" ".join(_sqlite_add("NEW", "1"))}
    END
    """,
    f"""
    CREATE TRIGGER accounting_daytotal_moved AFTER UPDATE OF remittance_id
    ON accounting_transaction
    WHEN OLD.remittance_id IS NOT NEW.remittance_id
    BEGIN
        {" ".join(_sqlite_add("OLD", "-1"))}
        {" ".join(_sqlite_add("NEW", "1"))}
    END
    """,
    """
    CREATE TRIGGER accounting_transaction_fixed BEFORE UPDATE OF date, kind, insurer_id
    ON accounting_transaction
    WHEN NEW.date IS NOT OLD.date OR NEW.kind IS NOT OLD.kind
      OR NEW.insurer_id IS NOT OLD.insurer_id
    BEGIN
        SELECT RAISE(ABORT, 'accounting: a posted transaction keeps its date, kind and insurer');
    END
    """,
    """
    INSERT INTO accounting_daytotal (account_id, insurer_id, date, kind, remittance_id, amount, legs)
    SELECT l.account_id, t.insurer_id, t.date, t.kind, t.remittance_id,
           ROUND(SUM(l.amount), 2), COUNT(*)
    FROM accounting_transaction t JOIN accounting_leg l ON l.transaction_id = t.id
    GROUP BY 1, 2, 3, 4, 5
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER accounting_transaction_fixed",
    "DROP TRIGGER accounting_daytotal_moved",
    "DROP TRIGGER accounting_daytotal_posted",
]


class Migration(migrations.Migration):
    dependencies = [
        ("accounting", "0002_balance_triggers"),
        ("catalog", "0011_product_endorsement_limit"),
    ]

    operations = [
        migrations.AlterField(
            model_name="account",
            name="kind",
            field=models.CharField(
                choices=[
                    ("separate", "Conto separato"),
                    ("operating", "Conto operativo dell'MGA"),
                    ("insurer", "Dovuto alla compagnia"),
                    ("premium_tax", "Imposte sui premi, dovute alla compagnia"),
                    ("mga_income", "Provvigioni dell'MGA (quota trattenuta)"),
                    ("commissions", "Provvigioni dovute al collaboratore"),
                    ("claims", "Sinistri da pagare"),
                    ("withholding", "Ritenute d'acconto da versare"),
                ],
                max_length=12,
                verbose_name="tipo",
            ),
        ),
        migrations.CreateModel(
            name="DayTotal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("date", models.DateField()),
                ("kind", models.CharField(max_length=16)),
                ("amount", models.DecimalField(decimal_places=2, max_digits=16)),
                ("legs", models.IntegerField()),
                (
                    "account",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="accounting.account",
                    ),
                ),
                (
                    "insurer",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="catalog.insurer",
                    ),
                ),
                (
                    "remittance",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="accounting.remittance",
                    ),
                ),
            ],
            options={
                "verbose_name": "totale del giorno",
                "verbose_name_plural": "totali del giorno",
                "indexes": [models.Index(fields=["date", "kind"], name="daytotal_date_kind")],
                "constraints": [
                    models.UniqueConstraint(
                        models.F("account"),
                        django.db.models.functions.comparison.Coalesce("insurer", models.Value(0)),
                        models.F("date"),
                        models.F("kind"),
                        django.db.models.functions.comparison.Coalesce(
                            "remittance", models.Value(0)
                        ),
                        name="daytotal_key",
                    )
                ],
            },
        ),
        vendor_sql(
            {"sqlite": SQLITE, "postgresql": POSTGRESQL},
            {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE},
        ),
    ]
