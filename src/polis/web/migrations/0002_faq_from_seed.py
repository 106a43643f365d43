"""The MGA's FAQ (shared/seed), verbatim, as editable data."""

from django.db import migrations

from polis.web.faq_seed import FAQ, load_seed_faq


def load_faq(apps, schema_editor):
    load_seed_faq(apps.get_model("web", "FaqEntry"))


def unload_faq(apps, schema_editor):
    apps.get_model("web", "FaqEntry").objects.filter(question__in=[q for _, q, _ in FAQ]).delete()


class Migration(migrations.Migration):
    dependencies = [("web", "0001_initial")]
    operations = [migrations.RunPython(load_faq, unload_faq)]
