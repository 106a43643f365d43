import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def test_a_page_reads_the_user_and_the_firm_in_its_menu_with_one_query(client, collaborator_a):
    # given a collaborator logged in with the password form's backend
    client.force_login(collaborator_a, backend="polis.accounts.backends.FirmModelBackend")
    # when a page shows the firm in the user's menu
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    # then the firm came with the user
    assert collaborator_a.firm.name in response.content.decode()
    assert not [q for q in queries if 'FROM "accounts_firm"' in q["sql"]]
