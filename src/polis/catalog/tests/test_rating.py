"""The rating engine against the brief's hand-computed examples, and its properties."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from polis.catalog.models import Product
from polis.catalog.rating import ReferralRequired, TariffError, load_tariff, rate
from polis.catalog.services import answer_labels
from polis.devdata.catalog import DEMO_TARIFFS, QUESTIONNAIRES

RCP, CAU, INF = (load_tariff(DEMO_TARIFFS[code]) for code in ("RCP", "CAU", "INF"))
D = Decimal


ARCHITECT = {
    "professional_class": "TEC-B",
    "turnover_band": "F2",
    "limit": "500000",
    "deductible": "2500",
    "retroactivity": "5",
    "instalments": "2",
}


def test_rc_professionale_architect_example():
    # architect, turnover 45k (F2 → 520), limit 500k, franchigia 2,500, 5 years, semi-annual
    result = rate(RCP, ARCHITECT)
    assert (result.net, result.tax, result.gross) == (D("689.85"), D("153.49"), D("843.34"))
    assert result.instalments == [D("421.67"), D("421.67")]
    assert result.commission == D("103.48")


def test_the_explanation_speaks_to_the_client():
    # given: the questionnaire's words for the answers (issue #17 §7)
    labels = answer_labels(Product(questionnaire=QUESTIONNAIRES["RCP"]))
    answers = {**ARCHITECT, "limit": "1000000", "deductible": "scoperto10"}
    # when
    lines = [(line.label, line.explanation) for line in rate(RCP, answers, labels).lines]
    # then: no tariff codes, Italian decimals
    assert lines == [
        (
            "Premio base RC professionale (massimale € 250.000)",
            "Professione: Architetto, ingegnere; "
            "Fatturato dell'ultimo esercizio: € 30.000 – 70.000",
        ),
        ("Massimale", "× 1,85 (€ 1.000.000)"),
        ("Franchigia", "× 0,90 (Scoperto 10% (minimo € 1.000))"),
        ("Retroattività", "× 1,00 (5 anni)"),
        ("Frazionamento", "+3,00 % per 2 rate"),
    ]


def test_a_yearly_rate_reads_in_italian():
    # when
    bond = rate(
        CAU,
        {
            "bond_type": "definitiva_lavori",
            "credit_class": "B",
            "sum_guaranteed": "112000",
            "months": "18",
        },
        answer_labels(Product(questionnaire=QUESTIONNAIRES["CAU"])),
    )
    # then
    assert "× 1,30 % annuo × 18/12 mesi" in bond.lines[0].explanation
    assert "€ 112.000,00" in bond.lines[0].explanation


def test_accident_lines_name_the_chosen_class_and_sport():
    # when
    lines = rate(
        INF,
        {
            "occupation_class": "2",
            "death_capital": "100000",
            "disability_capital": "150000",
            "daily_allowance": "50",
            "disability_deductible": "3",
            "scope": "24h",
            "sports": "rischio_medio",
            "instalments": "1",
        },
        answer_labels(Product(questionnaire=QUESTIONNAIRES["INF"])),
    ).lines
    explained = {line.label: line.explanation for line in lines}
    # then
    assert explained["Morte"] == "€ 100.000,00 × 0,80 ‰ (2 – cantiere, medico, tassista)"
    assert explained["Inabilità temporanea (diaria)"].startswith("€ 50,00 × 4,00 (2 –")
    assert explained["Sport"] == "× 1,15 (A rischio medio (+15%))"
    assert "rischio_medio" not in " ".join(explained.values())


@pytest.mark.parametrize(
    ("answers", "net", "tax", "gross"),
    [
        (
            {
                "bond_type": "definitiva_lavori",
                "credit_class": "B",
                "sum_guaranteed": "112000",
                "months": "18",
            },
            "2184.00",
            "273.00",
            "2457.00",
        ),
        (
            {
                "bond_type": "provvisoria",
                "credit_class": "A",
                "sum_guaranteed": "20000",
                "months": "6",
            },
            "100.00",
            "12.50",
            "112.50",
        ),
        (
            {
                "bond_type": "locazione_abitativa",
                "credit_class": "B",
                "sum_guaranteed": "5400",
                "months": "48",
            },
            "648.00",
            "81.00",
            "729.00",
        ),
    ],
    ids=["definitiva", "provvisoria-minimum", "rent"],
)
def test_cauzione_examples(answers, net, tax, gross):
    result = rate(CAU, answers)
    assert (result.net, result.tax, result.gross) == (D(net), D(tax), D(gross))


def test_cauzione_months_round_up_and_respect_the_minimum_duration():
    short = rate(
        CAU,
        {
            "bond_type": "definitiva_servizi",
            "credit_class": "A",
            "sum_guaranteed": "100000",
            "months": "7.2",
        },
    )
    assert short.net == D("700.00")  # 12 months minimum, not 8
    assert "× 12/12 mesi" in short.lines[0].explanation


def test_infortuni_lawyer_example_and_the_taxi_driver_check():
    lawyer = rate(
        INF,
        {
            "occupation_class": "1",
            "death_capital": "100000",
            "disability_capital": "100000",
            "daily_allowance": "50",
            "disability_deductible": "3",
            "scope": "24h",
            "sports": "nessuno",
        },
    )
    assert (lawyer.net, lawyer.tax, lawyer.gross) == (D("265.00"), D("6.63"), D("271.63"))
    taxi = rate(
        INF,
        {
            "occupation_class": "2",
            "death_capital": "100000",
            "disability_capital": "150000",
            "daily_allowance": "60",
            "disability_deductible": "3",
            "scope": "24h",
            "sports": "nessuno",
        },
    )
    assert (taxi.net, taxi.gross) == (D("545.00"), D("558.63"))


def test_outside_the_tariff_goes_to_the_underwriter():
    with pytest.raises(ReferralRequired, match="Massimale"):
        rate(
            RCP,
            {
                "professional_class": "LEG",
                "turnover_band": "F1",
                "limit": "3000000",
                "deductible": "1000",
                "retroactivity": "illimitata",
            },
        )
    with pytest.raises(ReferralRequired, match="Premio base"):
        rate(
            RCP,
            {
                "professional_class": "MED-A",
                "turnover_band": "F5",
                "limit": "250000",
                "deductible": "1000",
                "retroactivity": "10",
            },
        )


def test_a_missing_answer_is_named():
    with pytest.raises(KeyError, match="limit"):
        rate(RCP, {"professional_class": "LEG", "turnover_band": "F1"})


def test_an_invalid_tariff_document_is_explained():
    with pytest.raises(TariffError, match="tax_rate"):
        load_tariff({**DEMO_TARIFFS["RCP"], "tax_rate": "1.5"})
    with pytest.raises(TariffError, match="components"):
        load_tariff({**DEMO_TARIFFS["RCP"], "components": []})


def test_the_mgas_commission_must_cover_the_collaborators():
    # the MGA pays the collaborator's commission out of its own
    with pytest.raises(TariffError, match="mga_commission_rate"):
        load_tariff(
            {**DEMO_TARIFFS["RCP"], "commission_rate": "0.15", "mga_commission_rate": "0.10"}
        )
    tariff = load_tariff({**DEMO_TARIFFS["RCP"], "mga_commission_rate": "0.15"})
    assert tariff.mga_commission_rate == Decimal("0.15")


RC_ANSWERS = st.fixed_dictionaries(
    {
        "professional_class": st.sampled_from(["TEC-A", "TEC-B", "ECO", "LEG"]),
        "turnover_band": st.sampled_from(["F1", "F2", "F3", "F4", "F5"]),
        "deductible": st.sampled_from(["500", "1000", "2500", "5000", "scoperto10"]),
        "retroactivity": st.sampled_from(["0", "2", "5", "10", "illimitata"]),
        "instalments": st.sampled_from(["1", "2", "4"]),
    }
)
LIMITS = ["250000", "500000", "1000000", "1500000", "2000000", "2500000"]


@given(RC_ANSWERS, st.integers(min_value=0, max_value=len(LIMITS) - 2))
def test_a_higher_limit_never_costs_less(answers, index):
    lower = rate(RCP, {**answers, "limit": LIMITS[index]})
    higher = rate(RCP, {**answers, "limit": LIMITS[index + 1]})
    assert higher.gross >= lower.gross


@given(RC_ANSWERS, st.sampled_from(LIMITS))
def test_rc_breakdown_adds_up_and_respects_the_minimum(answers, limit):
    result = rate(RCP, {**answers, "limit": limit})
    assert result.net >= D("250.00")
    assert result.gross == result.net + result.tax
    assert sum(result.instalments) == result.gross
    assert max(result.instalments) - min(result.instalments) <= D("0.03")


@given(
    st.sampled_from(["provvisoria", "definitiva_lavori", "anticipazione", "locazione_commerciale"]),
    st.sampled_from(["A", "B"]),
    st.decimals(min_value=0, max_value=10_000_000, places=2),
    st.integers(min_value=1, max_value=120),
)
def test_cauzione_is_never_negative_nor_below_its_minimum(bond, credit, amount, months):
    result = rate(
        CAU,
        {
            "bond_type": bond,
            "credit_class": credit,
            "sum_guaranteed": str(amount),
            "months": str(months),
        },
    )
    minimum = D(DEMO_TARIFFS["CAU"]["minimum"]["values"][bond])
    assert result.net >= minimum > 0
    assert result.tax >= 0
    assert result.gross == result.net + result.tax


@given(
    st.sampled_from(["1", "2", "3", "4"]),
    st.integers(min_value=0, max_value=500_000),
    st.integers(min_value=0, max_value=500_000),
    st.integers(min_value=0, max_value=200),
)
def test_infortuni_adds_up(occupation, death, disability, daily):
    result = rate(
        INF,
        {
            "occupation_class": occupation,
            "death_capital": str(death),
            "disability_capital": str(disability),
            "daily_allowance": str(daily),
            "disability_deductible": "3",
            "scope": "24h",
            "sports": "nessuno",
        },
    )
    components = sum(line.amount for line in result.lines[:3])
    assert result.net == max(components, D(80)).quantize(D("0.01"), ROUND_HALF_UP)
