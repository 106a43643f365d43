import subprocess
from datetime import date

import pytest

from polis.accounts.models import Firm
from polis.accounts.tests.factories import FirmFactory, UserFactory
from polis.practices.disclosures import render_disclosures, templates_in_force

pytestmark = pytest.mark.django_db
INSURERS = ["Compagnia Esempio S.p.A."]


def test_the_mup_replaces_allegati_3_4_and_4ter_from_july_2025():
    assert [t.kind for t in templates_in_force(date(2025, 7, 3))] == [
        "allegato_3",
        "allegato_4",
        "allegato_4ter",
    ]
    assert [t.kind for t in templates_in_force(date(2025, 7, 4))] == ["mup"]
    with pytest.raises(ValueError, match="no disclosure template"):
        templates_in_force(date(2020, 1, 1))


def test_mup_names_the_person_the_firm_the_principal_and_the_arbitro():
    # given: a section E collaborator acting for the MGA
    firm = FirmFactory(
        name="Agenzia Serena S.r.l.",
        rui_section=Firm.RuiSection.E,
        rui_number="E000166166",
        holds_insurer_stake=True,
    )
    person = UserFactory(
        firm=firm, first_name="Serena", last_name="Gialli", qualifica="collaboratore"
    )
    # when
    (mup,) = render_disclosures(firm=firm, person=person, on=date(2026, 11, 25), insurers=INSURERS)
    # then
    assert "Sezione VII" in mup.html
    assert "Serena Gialli, collaboratore" in mup.html
    assert "sezione E, n. E000166166" in mup.html
    assert "opera per conto di Heca Underwriting S.r.l. (RUI sezione A n. A000000001" in mup.html
    assert "detiene una partecipazione diretta o indiretta pari o superiore al 10%" in mup.html
    assert "Arbitro Assicurativo" in mup.html
    assert "Compagnia Esempio S.p.A." in mup.html
    assert mup.pdf.startswith(b"%PDF-")
    assert len(mup.sha256) == 64


def test_a_section_a_firm_is_a_horizontal_collaboration():
    # given
    firm = FirmFactory(rui_section=Firm.RuiSection.A)
    person = UserFactory(firm=firm)
    # when
    (mup,) = render_disclosures(firm=firm, person=person, on=date(2026, 1, 20), insurers=INSURERS)
    # then
    assert "art. 22, comma 10, D.L. 179/2012" in mup.html
    assert "Intermediario principale" not in mup.html


@pytest.mark.real_pdf
def test_practices_made_under_the_old_regime_render_the_three_allegati():
    # given
    firm = FirmFactory()
    person = UserFactory(firm=firm)
    # when
    rendered = render_disclosures(firm=firm, person=person, on=date(2024, 5, 10), insurers=INSURERS)
    # then
    assert [r.template.title.split(" –")[0] for r in rendered] == [
        "Allegato 3",
        "Allegato 4",
        "Allegato 4-ter",
    ]
    assert "Arbitro Assicurativo" not in rendered[0].html
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=rendered[2].pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "Elenco delle regole di comportamento del distributore" in " ".join(text.split())
    assert "Pagina 1 di 1" in text
