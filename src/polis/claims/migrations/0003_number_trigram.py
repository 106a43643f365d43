from django.db import migrations

from polis.core.search import trigram_indexes


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY: a big table stays writable while its indexes are built.
    atomic = False

    dependencies = [
        ("clients", "0003_trigram_search"),  # creates the pg_trgm extension
        ("claims", "0002_list_indexes"),
    ]

    operations = [
        trigram_indexes(
            "claims_claim",
            {
                "claim_number_trgm": "number",
                "claim_insurer_number_trgm": "insurer_claim_number",
            },
        )
    ]
