from django.db import migrations

from polis.core.search import trigram_indexes


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY: a big table stays writable while its indexes are built.
    atomic = False

    dependencies = [("clients", "0002_tax_id_indexes")]

    operations = [
        trigram_indexes(
            "clients_client",
            {
                "client_last_name_trgm": "last_name",
                "client_first_name_trgm": "first_name",
                "client_company_name_trgm": "company_name",
                "client_codice_fiscale_trgm": "codice_fiscale",
            },
        )
    ]
