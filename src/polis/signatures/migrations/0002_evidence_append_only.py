"""On PostgreSQL, signature evidence is append-only in the database itself (the model also
refuses in Python). TRUNCATE stays possible: it is how a test database or a restore resets."""

from django.db import migrations

POSTGRES = """
CREATE FUNCTION signatures_evidence_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'signature evidence is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER signatures_evidence_append_only
  BEFORE UPDATE OR DELETE ON signatures_evidence
  FOR EACH ROW EXECUTE FUNCTION signatures_evidence_append_only();
"""
POSTGRES_REVERSE = "DROP FUNCTION signatures_evidence_append_only() CASCADE;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_REVERSE)


class Migration(migrations.Migration):
    dependencies = [("signatures", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
