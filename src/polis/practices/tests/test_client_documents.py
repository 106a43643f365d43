"""Issue #17 §7: the documents the client reads speak to the client — no tariff codes, Italian
decimals, the tax rate and each instalment shown, amounts that never wrap — and the practice
page shows the MGA's question itself and names the MUP."""

import re
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from polis.clients.tests.factories import ClientFactory
from polis.practices import services
from polis.practices.models import Practice
from polis.practices.tests.factories import PracticeFactory
from polis.quotes import services as quotes
from polis.quotes.tests.factories import demo_product
from polis.quotes.tests.test_quotes import ARCHITECT

pytestmark = pytest.mark.django_db

INTERNAL = ["TEC-B", "F2", "tabella (", "500000", "1.40", "0.95", "3.00", "0.2225", "scoperto10"]


def _text(stored) -> str:
    with stored.file.open("rb") as pdf:
        layout = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=pdf.read(), capture_output=True, check=True
        )
    return layout.stdout.decode().replace("\xa0", " ")


@pytest.fixture
def issued(collaborator_a):
    quote = quotes.create_quote(
        actor=collaborator_a,
        client=ClientFactory(created_by=collaborator_a),
        product=demo_product("RCP"),
        answers={**ARCHITECT, "retroactivity": "2"},
        effective_date=timezone.localdate(),
    )
    draft = services.convert_quote(actor=collaborator_a, quote=quote)
    return services.issue_practice(actor=collaborator_a, practice=draft)


@pytest.mark.real_pdf
def test_the_contract_and_the_quote_speak_to_the_client(collaborator_a, issued):
    quote_pdf = quotes.quote_pdf(actor=collaborator_a, quote=issued.quote)
    for stored in (issued.contract, quote_pdf):
        # when
        text = _text(stored)
        # then
        for code in INTERNAL:
            assert code not in text, code
        assert "Professione: Architetto, ingegnere" in text
        assert "× 1,40 (€ 500.000)" in text
        assert "× 0,95 (2 anni)" in text
        assert "+3,00 % per 2 rate" in text
        assert "aliquota 22,25 % sul premio netto" in text
        instalments = re.findall(r"Rata (\d) di 2 +(€ [\d.,]+)", text)
        assert instalments == [
            ("1", f"€ {issued.instalments[0]:.2f}".replace(".", ",")),
            ("2", f"€ {issued.instalments[1]:.2f}".replace(".", ",")),
        ]
        # every amount on one line, its euro sign beside it
        assert not re.search(r"€\s*\n", text)


def test_the_practice_page_shows_the_mgas_question(client_for, collaborator_a, operator):
    # given
    practice = PracticeFactory(created_by=collaborator_a, status=Practice.Status.IN_REVIEW)
    services.request_practice_information(
        actor=operator, practice=practice, text="Manca la visura camerale aggiornata."
    )
    # when
    page = client_for(collaborator_a).get(reverse("practices:detail", args=[practice.pk]))
    # then
    assert "Manca la visura camerale aggiornata." in page.content.decode()


def test_a_disclosure_recorded_by_its_kind_is_named_mup(client_for, collaborator_a, issued):
    # given: a practice issued before the documents' titles were recorded
    legacy = [{k: v for k, v in d.items() if k != "label"} for d in issued.disclosures]
    Practice.objects.filter(pk=issued.pk).update(disclosures=legacy)
    # when
    page = client_for(collaborator_a).get(reverse("practices:detail", args=[issued.pk]))
    # then
    shown = page.content.decode()
    assert "Modello Unico Precontrattuale (MUP)" in shown
    assert not re.search(r">\s*mup\b", shown)
