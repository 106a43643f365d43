import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0003_number_trigram"),
        ("clients", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="client",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="claims",
                to="clients.client",
            ),
        ),
        migrations.RunSQL(
            "UPDATE claims_claim SET client_id = (SELECT client_id FROM practices_practice "
            "WHERE practices_practice.id = claims_claim.practice_id)",
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="claim",
            name="client",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="claims",
                to="clients.client",
            ),
        ),
    ]
