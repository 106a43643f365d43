"""Hypothesis drives the public forms with arbitrary input: never a server error, never a leak."""

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polis.accounts.models import Firm, User

text = st.text(max_size=300)
FORMS = {
    "/registrati/": [
        "name",
        "partita_iva",
        "rui_section",
        "rui_number",
        "address",
        "city",
        "postal_code",
        "province",
        "pec",
        "phone",
        "first_name",
        "last_name",
        "email",
        "password",
        "password_confirm",
        "privacy",
    ],
    "/contattaci/": ["name", "email", "phone", "subject", "message", "privacy", "website"],
    "/accedi/": ["email", "password", "next"],
    "/password/recupera/": ["email"],
}


@pytest.mark.django_db
@pytest.mark.parametrize("path", FORMS)
def test_public_forms_never_fail_on_arbitrary_input(path):
    fields = FORMS[path]

    @settings(
        max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(st.fixed_dictionaries({}, optional=dict.fromkeys(fields, text)))
    def post(data):
        response = Client().post(path, data)
        assert response.status_code in (200, 302), response.status_code

    post()
    # Random input never passes registration: no firm or user appears.
    assert not Firm.objects.exists()
    assert not User.objects.exists()
