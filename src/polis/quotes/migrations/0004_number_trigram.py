from django.db import migrations

from polis.core.search import trigram_indexes


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY: a big table stays writable while its indexes are built.
    atomic = False

    dependencies = [
        ("clients", "0003_trigram_search"),  # creates the pg_trgm extension
        ("quotes", "0003_custom_quote_requests"),
    ]

    operations = [trigram_indexes("quotes_quote", {"quote_number_trgm": "number"})]
