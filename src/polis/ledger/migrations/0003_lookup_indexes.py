from django.db import migrations, models

# Equality lookups (Verifica documento, proof by leaf hash): hash indexes on PostgreSQL, where
# they cost appends about half of what B-trees of random 64-character keys cost; B-trees elsewhere.
INDEXES = (("ledger_entry_sha256", "sha256"), ("ledger_entry_leaf_hash", "leaf_hash"))


def create_indexes(apps, schema_editor):
    using = "USING hash " if schema_editor.connection.vendor == "postgresql" else ""
    for name, column in INDEXES:
        schema_editor.execute(f"CREATE INDEX {name} ON ledger_ledgerentry {using}({column})")


def drop_indexes(apps, schema_editor):
    for name, _ in INDEXES:
        schema_editor.execute(f"DROP INDEX {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0002_witness"),
    ]

    operations = [
        migrations.AlterField(
            model_name="ledgerentry",
            name="leaf_hash",
            field=models.CharField(max_length=64, verbose_name="hash della foglia"),
        ),
        migrations.AlterField(
            model_name="ledgerentry",
            name="sha256",
            field=models.CharField(max_length=64, verbose_name="SHA-256 del documento"),
        ),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
