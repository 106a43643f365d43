from django.contrib.auth import BACKEND_SESSION_KEY
from django.db import migrations
from django.utils import timezone

OLD = "django.contrib.auth.backends.ModelBackend"
NEW = "polis.accounts.backends.FirmModelBackend"


def move_sessions(apps, schema_editor):
    """Sessions opened with Django's backend stay logged in under ours (it replaces it)."""
    from django.contrib.sessions.backends.db import SessionStore

    session_model = apps.get_model("sessions", "Session")
    store = SessionStore()
    live = session_model.objects.filter(expire_date__gt=timezone.now())
    moved = {}
    for key, encoded in live.values_list("session_key", "session_data").iterator():
        data = store.decode(encoded)
        if data.get(BACKEND_SESSION_KEY) == OLD:
            data[BACKEND_SESSION_KEY] = NEW
            moved[key] = store.encode(data)
    # Written after the read: SQLite does not isolate a write from a read still iterating.
    for key, encoded in moved.items():
        session_model.objects.filter(pk=key).update(session_data=encoded)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_disclosure_data"),
        ("sessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(move_sessions, migrations.RunPython.noop, elidable=True)]
