"""The rows a snapshot copies back leave their tables' sequences past them."""

import pytest
from django.db import connection

from polis.documents.models import StoredFile
from tests import snapshot

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's"),
]


def test_an_insert_after_copying_rows_back_takes_a_new_id():
    # given rows copied out, their table emptied and its sequence started again
    table = StoredFile._meta.db_table
    created = [StoredFile.objects.create(name=f"{n}.pdf", size=1, sha256="0" * 64) for n in "abc"]
    rows = snapshot.copy_out([table])
    StoredFile.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), 1, false)", [table])
    # when they are copied back and a row is added
    snapshot.copy_in(rows)
    added = StoredFile.objects.create(name="d.pdf", size=1, sha256="0" * 64)
    # then it follows the restored rows
    assert added.pk == max(row.pk for row in created) + 1
    assert StoredFile.objects.count() == 4
