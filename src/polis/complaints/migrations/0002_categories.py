"""The starting list of categories (brief §6's areas: distribution, contract, claim), which the
MGA's administrators then keep in the admin."""

from django.db import migrations

CATEGORIES = [
    (
        "distribution",
        "Distribuzione e comportamento dell'intermediario",
        "Distribution and the intermediary's conduct",
        10,
    ),
    ("contract", "Contratto e gestione della polizza", "Contract and policy administration", 20),
    ("premium", "Premi e pagamenti", "Premiums and payments", 30),
    ("claim", "Sinistri e liquidazione", "Claims and settlement", 40),
    ("privacy", "Dati personali", "Personal data", 50),
    ("other", "Altro", "Other", 90),
]


def add_categories(apps, schema_editor):
    Category = apps.get_model("complaints", "Category")
    for code, label, label_en, order in CATEGORIES:
        Category.objects.get_or_create(
            code=code, defaults={"label": label, "label_en": label_en, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]
    operations = [migrations.RunPython(add_categories, migrations.RunPython.noop)]
