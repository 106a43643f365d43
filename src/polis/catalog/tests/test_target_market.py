"""The POG target market (Reg. IVASS 45/2020, regulatory brief §3.4), from the rules: a client
inside it buys freely, one in the negative target market is never sold to, one outside it only
with the collaborator's written justification, kept and reported to the MGA."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from polis.catalog.target_market import Fit, check_target_market, target_market_record
from polis.catalog.validators import validate_target_market
from polis.clients.models import Client
from polis.core.errors import DomainError
from polis.devdata.catalog import NEEDS_QUESTIONNAIRES, QUESTIONNAIRES, TARGET_MARKETS


class _Product:
    def __init__(self, code):
        self.target_market = TARGET_MARKETS[code]
        self.questionnaire = QUESTIONNAIRES[code]
        self.needs_questionnaire = NEEDS_QUESTIONNAIRES[code]


def _person(born=date(1985, 12, 10), **fields):
    return Client(kind=Client.Kind.PERSON, birth_date=born, **fields)


ON = date(2026, 12, 7)


def test_an_architect_who_wants_the_cover_is_inside_rc_professionale():
    check = check_target_market(
        _Product("RCP"),
        client=_person(),
        answers={"professional_class": "TEC-B"},
        needs={"need": "si", "registered": "si", "other_policy": "no"},
        on=ON,
    )
    assert check.fit == Fit.INSIDE
    assert target_market_record(check) is None  # nothing to write, nothing kept


def test_a_company_is_outside_rc_professionale_and_needs_a_justification():
    check = check_target_market(
        _Product("RCP"),
        client=Client(kind=Client.Kind.COMPANY, company_name="Studio Galli"),
        answers={"professional_class": "TEC-B"},
        on=ON,
    )
    assert check.fit == Fit.OUTSIDE
    assert check.reasons == ["Tipo di cliente: Persona giuridica"]
    with pytest.raises(DomainError) as refused:
        target_market_record(check, justification="")
    assert refused.value.code == "target_market_justification_required"
    assert refused.value.field == "target_market_justification"
    record = target_market_record(
        check, justification="Studio di due architetti che firmano in proprio.", by="Mario"
    )
    assert record["fit"] == "outside"
    assert record["reasons"] == check.reasons
    assert record["justification"].startswith("Studio di due")
    assert record["version"] == "2026-01"


def test_the_answer_outside_names_the_question_and_the_choice():
    check = check_target_market(
        _Product("RCP"), client=_person(), answers={"professional_class": "MED-A"}, on=ON
    )
    assert check.reasons == ["Professione: Medico non chirurgo, infermiere, fisioterapista"]


def test_a_minor_is_in_the_negative_target_market_of_infortuni_and_blocked():
    check = check_target_market(
        _Product("INF"),
        client=_person(born=date(2010, 1, 1)),
        answers={"occupation_class": "1", "sports": "nessuno"},
        on=ON,
    )
    assert check.fit == Fit.NEGATIVE
    with pytest.raises(DomainError) as refused:
        target_market_record(check, justification="Una motivazione lunga quanto basta.")
    assert refused.value.code == "target_market_negative"
    assert "Età: 16 anni" in refused.value.message


def test_age_is_counted_on_the_start_date_and_from_the_codice_fiscale_when_no_birth_date():
    product = _Product("INF")
    answers = {"occupation_class": "1", "sports": "nessuno"}
    # born 10/12/1950 (codice fiscale): 75 until 9/12/2026, 76 from the 10th
    client = _person(born=None, codice_fiscale="RSSMRA50T10F205Z")
    assert check_target_market(product, client=client, answers=answers, on=ON).fit == Fit.INSIDE
    later = check_target_market(product, client=client, answers=answers, on=date(2026, 12, 10))
    assert later.fit == Fit.OUTSIDE
    assert later.reasons == ["Età: 76 anni"]


def test_needs_are_checked_once_known():
    product = _Product("RCP")
    answers = {"professional_class": "LEG"}
    assert check_target_market(product, client=_person(), answers=answers).fit == Fit.INSIDE
    refused = check_target_market(
        product, client=_person(), answers=answers, needs={"need": "no", "registered": "si"}
    )
    assert refused.fit == Fit.NEGATIVE


def test_a_justification_given_at_quote_holds_at_issue_for_the_same_reasons_only():
    product = _Product("RCP")
    company = Client(kind=Client.Kind.COMPANY, company_name="Studio Galli")
    at_quote = target_market_record(
        check_target_market(product, client=company, answers={"professional_class": "TEC-B"}),
        justification="Studio di due architetti che firmano in proprio.",
    )
    same = check_target_market(product, client=company, answers={"professional_class": "TEC-B"})
    assert target_market_record(same, previous=at_quote) == at_quote
    more = check_target_market(
        product, client=company, answers={"professional_class": "TEC-B"}, needs={"registered": "no"}
    )
    with pytest.raises(DomainError):
        target_market_record(more, previous=at_quote)


def test_a_product_without_a_target_market_has_nothing_to_check():
    product = _Product("RCP")
    product.target_market = {}
    assert check_target_market(product, client=_person(), answers={}).fit == Fit.INSIDE


@pytest.mark.parametrize(
    "market",
    [
        {"positive": {}},  # no version
        {"version": "1", "positive": {"client_kinds": ["alien"]}},
        {"version": "1", "negative": {"age": {"min": 30, "max": 20}}},
        {"version": "1", "positive": {"answers": {"limit": "500000"}}},  # not a list
        {"version": "1", "positive": {"colour": ["red"]}},
        {"version": "1", "sent_to_insurer_on": "15/01/2026"},
    ],
)
def test_a_mistyped_target_market_is_refused_with_a_message(market):
    with pytest.raises(ValidationError):
        validate_target_market(market)


def test_the_demo_target_markets_are_valid():
    for market in TARGET_MARKETS.values():
        validate_target_market(market)
