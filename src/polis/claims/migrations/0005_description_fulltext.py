from django.db import migrations

from polis.core.search import fulltext_index


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY

    dependencies = [
        ("claims", "0004_claim_client"),
    ]

    operations = [fulltext_index("claims_claim", "claim_description_fts", "description")]
