from datetime import date

import pytest
from django.urls import reverse
from stdnum.it import codicefiscale

from polis.clients.models import Client
from polis.clients.tests.factories import ClientFactory
from polis.core.validators import check_codice_fiscale

pytestmark = pytest.mark.django_db

PERSON = {
    "kind": "person",
    "first_name": "Maria",
    "last_name": "Bianchi",
    "codice_fiscale": "bnc mra 80a41 h501 q",
    "birth_date": "1980-01-01",
    "sex": "F",
    "email": "maria.bianchi@example.it",
    "mobile": "347 123 4567",
    "address": "Via Po 3",
    "postal_code": "00198",
    "city": "Roma",
    "province": "rm",
    "privacy": "on",
}
COMPANY = {
    "kind": "company",
    "company_name": "Studio Tecnico Verdi S.r.l.",
    "partita_iva": "IT 11111110018",
    "email": "info@verdi.example.it",
    "mobile": "+39 333 765 4321",
    "pec": "verdi@pec.example.it",
    "address": "Corso Italia 8",
    "postal_code": "10121",
    "city": "Torino",
    "province": "TO",
    "privacy": "on",
}


def valid_cf() -> str:
    base = "BNCMRA80A41H501"
    return base + codicefiscale.calc_check_digit(base)


def test_collaborator_adds_a_person_with_normalized_data(client_for, collaborator_a):
    # when
    response = client_for(collaborator_a).post(
        reverse("clients:create"), {**PERSON, "codice_fiscale": valid_cf().lower()}
    )
    # then
    client = Client.objects.get()
    assert response["Location"] == reverse("clients:detail", args=[client.pk])
    assert (client.codice_fiscale, client.mobile, client.province, client.firm) == (
        valid_cf(),
        "+393471234567",
        "RM",
        collaborator_a.firm,
    )
    assert client.privacy_consent_version == "2026-01"
    assert client.marketing_consent_at is None


def test_a_client_who_reads_english_is_put_on_file_so(client_for, collaborator_a):
    # when
    browser = client_for(collaborator_a)
    browser.post(
        reverse("clients:create"), {**PERSON, "codice_fiscale": valid_cf(), "language": "en"}
    )
    # then
    client = Client.objects.get()
    assert client.language == "en"
    assert "Inglese" in browser.get(reverse("clients:detail", args=[client.pk])).content.decode()


def test_a_client_is_italian_unless_said(client_for, collaborator_a):
    client_for(collaborator_a).post(
        reverse("clients:create"), {**PERSON, "codice_fiscale": valid_cf()}
    )
    assert Client.objects.get().language == "it"


def test_a_company_is_identified_by_its_partita_iva(client_for, collaborator_a):
    # when
    client_for(collaborator_a).post(reverse("clients:create"), COMPANY)
    # then
    client = Client.objects.get()
    assert (client.display_name, client.partita_iva, client.first_name) == (
        "Studio Tecnico Verdi S.r.l.",
        "11111110018",
        "",
    )


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"codice_fiscale": "BNCMRA80A41H501X"}, "codice_fiscale", "Codice fiscale non valido."),
        (
            {"codice_fiscale": "12345670157"},
            "codice_fiscale",
            "Il codice fiscale di una persona ha 16 caratteri.",
        ),
        ({"sex": "M"}, "codice_fiscale", "Il codice fiscale non corrisponde al sesso indicato."),
        (
            {"birth_date": "1980-01-02"},
            "codice_fiscale",
            "Il codice fiscale non corrisponde alla data di nascita.",
        ),
        (
            {"mobile": "06 1234 5678"},
            "mobile",
            "Indica un numero di cellulare: riceverà i codici di firma.",
        ),
        ({"last_name": ""}, "last_name", "Campo obbligatorio per questo tipo di cliente."),
        ({"privacy": ""}, "privacy", "Questo campo è obbligatorio."),
    ],
)
def test_bad_person_data_is_refused_next_to_the_field(
    client_for, collaborator_a, change, field, message
):
    # when
    response = client_for(collaborator_a).post(
        reverse("clients:create"), {**PERSON, "codice_fiscale": valid_cf(), **change}
    )
    # then
    assert message in response.context["form"].errors[field]
    assert not Client.objects.exists()


def test_omocodia_codes_are_accepted():
    assert check_codice_fiscale("RSSMRAQRCMNFNLRG") == "RSSMRAQRCMNFNLRG"
    assert (
        check_codice_fiscale("RSSMRAQRCMNFNLRG", birth_date=date(1945, 3, 12), sex="M")
        == "RSSMRAQRCMNFNLRG"
    )


def test_a_duplicate_in_the_firm_links_to_the_existing_client(client_for, collaborator_a):
    # given
    existing = ClientFactory(created_by=collaborator_a, codice_fiscale=valid_cf())
    # when
    response = client_for(collaborator_a).post(
        reverse("clients:create"), {**PERSON, "codice_fiscale": valid_cf()}
    )
    # then
    assert response.context["existing"] == existing
    assert reverse("clients:detail", args=[existing.pk]) in response.content.decode()
    assert Client.objects.count() == 1


def test_another_firm_may_have_the_same_client(client_for, collaborator_a, collaborator_b):
    # given
    ClientFactory(created_by=collaborator_a, codice_fiscale=valid_cf())
    # when
    client_for(collaborator_b).post(
        reverse("clients:create"), {**PERSON, "codice_fiscale": valid_cf()}
    )
    # then
    assert Client.objects.filter(codice_fiscale=valid_cf()).count() == 2


def test_search_by_name_or_codice_fiscale_only_in_the_own_portfolio(
    client_for, collaborator_a, collaborator_b
):
    # given
    ClientFactory(created_by=collaborator_a, last_name="Bianchi", codice_fiscale=valid_cf())
    ClientFactory(created_by=collaborator_a, last_name="Neri", codice_fiscale="RSSMRA85T10A562S")
    ClientFactory(created_by=collaborator_b, last_name="Bianchi", codice_fiscale=valid_cf())
    page = client_for(collaborator_a)
    # when
    by_name = page.get(reverse("clients:list"), {"q": "bianchi"})
    by_cf = page.get(reverse("clients:list"), {"q": "rssmra85t10a562s"})
    partial = page.get(reverse("clients:list"), {"q": "neri"}, HTTP_HX_REQUEST="true")
    # then
    assert [c.last_name for c in by_name.context["page"]] == ["Bianchi"]
    assert [c.last_name for c in by_cf.context["page"]] == ["Neri"]
    assert "<html" not in partial.content.decode()
    assert "Neri" in partial.content.decode()


def test_edit_keeps_the_kind_and_records_the_change(client_for, collaborator_a):
    # given
    client = ClientFactory(
        created_by=collaborator_a, codice_fiscale=valid_cf(), birth_date=None, sex=""
    )
    # when
    client_for(collaborator_a).post(
        reverse("clients:edit", args=[client.pk]),
        {
            **PERSON,
            "codice_fiscale": valid_cf(),
            "kind": "company",
            "city": "Napoli",
            "province": "NA",
            "postal_code": "80100",
            "marketing_consent": "on",
        },
    )
    # then
    client.refresh_from_db()
    assert (client.kind, client.city, client.marketing_consent_at is not None) == (
        "person",
        "Napoli",
        True,
    )
