from django.db import migrations

from polis.core.search import trigram_indexes


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY: a big table stays writable while its indexes are built.
    atomic = False

    dependencies = [
        ("clients", "0003_trigram_search"),  # creates the pg_trgm extension
        ("practices", "0008_practice_submitted_at"),
    ]

    operations = [
        trigram_indexes("practices_practice", {"practice_policy_number_trgm": "policy_number"})
    ]
