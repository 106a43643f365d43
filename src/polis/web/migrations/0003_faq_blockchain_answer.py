"""The FAQ's *Blockchain* answer says what the public register is (issue 20): the seed's text
promised that data could not "in alcun modo" be altered, which no system can promise."""

from django.db import migrations

from polis.web.faq_seed import BLOCKCHAIN_ANSWER, BLOCKCHAIN_QUESTION

# The seed's answer as migration 0002 loaded it (restored when migrating back).
SEED_ANSWER = (
    "La Blockchain, letteralmente “Catena di blocchi”, è un registro condiviso, decentralizzato e "
    "non modificabile, che facilita le transazioni e i processi di registrazione. Si definisce un "
    "registro decentralizzato in quanto consiste in più registri organizzati in una catena di "
    "blocchi collegati tra loro. Ogni blocco contiene una lista di transazioni recenti e tutte le "
    "informazioni, contenute in esso, sono pubbliche consultabili e immutabili. Una volta immessi "
    "i dati, quindi, non sarà possibile in alcun modo alterare, cancellare o falsificare questi "
    "ultimi."
)


def rewrite(apps, schema_editor):
    faq = apps.get_model("web", "FaqEntry")
    faq.objects.filter(question=BLOCKCHAIN_QUESTION).update(answer=BLOCKCHAIN_ANSWER)


def restore(apps, schema_editor):
    faq = apps.get_model("web", "FaqEntry")
    faq.objects.filter(question=BLOCKCHAIN_QUESTION).update(answer=SEED_ANSWER)


class Migration(migrations.Migration):
    dependencies = [("web", "0002_faq_from_seed")]
    operations = [migrations.RunPython(rewrite, restore)]
