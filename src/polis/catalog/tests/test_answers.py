"""One validation of a product's answers (issue 17 §4-§5): the questionnaire's own rules and the
tariff's product rules (products brief §1.2), whichever door the answers come through."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polis.catalog.answers import AnswersInvalid, allowed_choices, validate_answers
from polis.catalog.rating import ReferralRequired, load_tariff, rate
from polis.catalog.services import price
from polis.devdata.catalog import ARCHITECT_EXAMPLE, QUESTIONNAIRES
from polis.quotes.tests.factories import demo_product

pytestmark = pytest.mark.django_db

BOND = {
    "bond_type": "definitiva_lavori",
    "credit_class": "B",
    "sum_guaranteed": "112000",
    "months": "18",
}
LAWYER = {
    "professional_class": "LEG",
    "turnover_band": "F3",
    "limit": "1000000",
    "deductible": "1000",
    "retroactivity": "illimitata",
    "run_off_years": "10",
    "instalments": "1",
}
DOCTOR = {**LAWYER, "professional_class": "MED-A", "retroactivity": "10"}


def _tariff(product):
    return load_tariff(product.tariffs.get().document)


def _refusal(code: str, answers: dict) -> dict:
    product = demo_product(code)
    with pytest.raises(AnswersInvalid) as refused:
        validate_answers(product, answers, tariff=_tariff(product))
    return refused.value.errors


def test_valid_answers_come_back_in_canonical_form():
    product = demo_product("CAU")
    cleaned = validate_answers(
        product, {**BOND, "sum_guaranteed": "112000.00"}, tariff=_tariff(product)
    )
    assert cleaned == {**BOND, "sum_guaranteed": "112000"}


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({**BOND, "sum_guaranteed": "-5"}, "sum_guaranteed"),
        ({**BOND, "sum_guaranteed": "20000000"}, "sum_guaranteed"),
        ({**BOND, "sum_guaranteed": "abc"}, "sum_guaranteed"),
        ({**BOND, "sum_guaranteed": "NaN"}, "sum_guaranteed"),
        ({**BOND, "sum_guaranteed": "1.005"}, "sum_guaranteed"),
        ({**BOND, "sum_guaranteed": "1e999999"}, "sum_guaranteed"),
        ({**BOND, "sum_guaranteed": "-Infinity"}, "sum_guaranteed"),
        ({**BOND, "months": "0"}, "months"),
        ({**BOND, "months": "500"}, "months"),
        ({**BOND, "months": "12.5"}, "months"),
        ({**BOND, "bond_type": "fideiussione_bancaria"}, "bond_type"),
        ({key: value for key, value in BOND.items() if key != "credit_class"}, "credit_class"),
        ({**BOND, "favourite_colour": "blu"}, "favourite_colour"),
    ],
)
def test_the_questionnaire_refuses_each_bad_answer_by_field(answers, field):
    errors = _refusal("CAU", answers)
    assert list(errors) == [field]
    assert errors[field]  # a message the user can read


def test_a_negative_death_capital_is_refused_not_a_discount():
    answers = {
        "occupation_class": "1",
        "death_capital": "-100000",
        "disability_capital": "100000",
        "daily_allowance": "50",
        "disability_deductible": "3",
        "scope": "24h",
        "sports": "nessuno",
        "instalments": "1",
    }
    assert list(_refusal("INF", answers)) == ["death_capital"]


def test_every_bad_field_gets_its_own_message_at_once():
    errors = _refusal("CAU", {**BOND, "months": "x", "sum_guaranteed": "-1", "extra": "1"})
    assert set(errors) == {"months", "sum_guaranteed", "extra"}


def test_a_declaration_is_yes_or_no():
    product = demo_product("RCP")
    cleaned = validate_answers(
        product, {**ARCHITECT_EXAMPLE, "claims_last_5_years": "true"}, tariff=_tariff(product)
    )
    assert cleaned["claims_last_5_years"] == "True"
    errors = _refusal("RCP", {**ARCHITECT_EXAMPLE, "claims_last_5_years": "forse"})
    assert list(errors) == ["claims_last_5_years"]


# Products brief §1.2: a lawyer's limit not below the band minimum (DM 22/09/2016), unlimited
# retroactivity and 10 years of ultrattività; a health professional's retroactivity at least
# 10 years and 10 years of run-off (L. 24/2017).
@pytest.mark.parametrize(
    ("answers", "field", "reason"),
    [
        ({**LAWYER, "turnover_band": "F1", "limit": "250000"}, "limit", "350.000"),
        ({**LAWYER, "turnover_band": "F2", "limit": "250000"}, "limit", "500.000"),
        ({**LAWYER, "turnover_band": "F3", "limit": "500000"}, "limit", "1.000.000"),
        ({**LAWYER, "retroactivity": "5"}, "retroactivity", "illimitata"),
        ({**LAWYER, "run_off_years": "0"}, "run_off_years", "10 anni"),
        ({**DOCTOR, "retroactivity": "5"}, "retroactivity", "10 anni"),
        ({**DOCTOR, "run_off_years": "5"}, "run_off_years", "10 anni"),
    ],
)
def test_the_product_rules_of_the_brief_refuse_with_the_reason(answers, field, reason):
    errors = _refusal("RCP", answers)
    assert list(errors) == [field]
    assert reason in errors[field]


@pytest.mark.parametrize(
    "answers",
    [
        LAWYER,
        {**LAWYER, "turnover_band": "F1", "limit": "500000"},
        DOCTOR,
        {**DOCTOR, "retroactivity": "illimitata"},
        {**ARCHITECT_EXAMPLE, "retroactivity": "0"},
    ],
)
def test_answers_within_the_rules_are_priced(answers):
    product = demo_product("RCP")
    priced = price(product=product, on=product.tariffs.get().valid_from, answers=answers)
    assert priced.breakdown.gross > 0


def test_the_form_offers_only_what_the_rules_allow_for_the_answers_so_far():
    product = demo_product("RCP")
    lawyer = allowed_choices(
        product, {"professional_class": "LEG", "turnover_band": "F2"}, tariff=_tariff(product)
    )
    assert lawyer["retroactivity"].values == ["illimitata"]
    assert lawyer["retroactivity"].reasons == [
        "Per gli avvocati la retroattività è illimitata (DM 22/09/2016)."
    ]
    assert lawyer["limit"].values == [
        "500000",
        "1000000",
        "1500000",
        "2000000",
        "2500000",
        "3000000",
        "5000000",
    ]
    assert lawyer["run_off_years"].values == ["10"]
    doctor = allowed_choices(product, {"professional_class": "MED-A"}, tariff=_tariff(product))
    assert doctor["retroactivity"].values == ["10", "illimitata"]
    architect = allowed_choices(product, {"professional_class": "TEC-B"}, tariff=_tariff(product))
    assert architect["retroactivity"] == (["0", "2", "5", "10", "illimitata"], [])


def _answer_values(question: dict):
    """Any value a client might send for a question: valid, out of range, or garbage."""
    garbage = st.one_of(
        st.text(max_size=12),
        st.sampled_from(
            ["", "-1", "0", "1e9", "1e999999", "NaN", "Infinity", "1.005", "True", "illimitata"]
        ),
    )
    if question["type"] == "choice":
        return st.one_of(st.sampled_from([c[0] for c in question["choices"]]), garbage)
    if question["type"] == "decimal":
        number = st.decimals(
            min_value=Decimal(question["min"]) - 10,
            max_value=Decimal(question["max"]) + 10,
            places=2,
        ).map(str)
        return st.one_of(number, garbage)
    return st.one_of(st.sampled_from(["True", "False"]), garbage)


def _answer_sets(code: str):
    questionnaire = QUESTIONNAIRES[code]
    present = {q["name"]: st.one_of(st.none(), _answer_values(q)) for q in questionnaire}
    return st.fixed_dictionaries(present, optional={"unknown_question": st.text(max_size=5)}).map(
        lambda answers: {k: v for k, v in answers.items() if v is not None}
    )


@pytest.mark.parametrize("code", ["RCP", "CAU", "INF"])
def test_any_answer_set_is_priced_or_refused_with_a_message(code):
    product = demo_product(code)
    tariff = _tariff(product)

    def outcome(answers) -> str:
        """The message of a refusal or a referral, or "priced"."""
        try:
            cleaned = validate_answers(product, answers, tariff=tariff)
        except AnswersInvalid as refused:
            return "; ".join(refused.errors.values())
        try:
            return "priced" if rate(tariff, cleaned).gross >= 0 else ""
        except ReferralRequired as referral:
            return referral.reason

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(_answer_sets(code))
    def check(answers):
        assert outcome(answers)

    check()


def test_the_ultrattivita_bought_is_listed_among_the_coverages():
    from polis.catalog.selectors import coverages_of

    product = demo_product("RCP")
    lines = coverages_of(product, {**LAWYER})
    assert [(line.name, line.limit) for line in lines][-1] == ("Ultrattività / postuma", "10 anni")
    assert "Ultrattività / postuma" not in [
        line.name for line in coverages_of(product, LAWYER | {"run_off_years": "0"})
    ]
