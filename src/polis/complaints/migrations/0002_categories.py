from django.db import migrations

from polis.complaints.categories import install_categories


def add_categories(apps, schema_editor):
    install_categories(apps.get_model("complaints", "Category"))


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]
    operations = [migrations.RunPython(add_categories, migrations.RunPython.noop)]
