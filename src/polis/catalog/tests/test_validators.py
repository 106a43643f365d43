import pytest
from django.core.exceptions import ValidationError

from polis.catalog.models import Insurer
from polis.catalog.validators import (
    validate_claim_types,
    validate_claims_closures,
    validate_needs_questionnaire,
    validate_required_documents,
)
from polis.devdata.catalog import CLAIM_TYPES, NEEDS_QUESTIONNAIRES, REQUIRED_DOCUMENTS


@pytest.mark.parametrize("product", CLAIM_TYPES)
def test_the_demo_claim_types_are_valid(product):
    validate_claim_types(CLAIM_TYPES[product])


def _kind(**overrides) -> dict:
    document = {"code": "modulo", "label": "Modulo di denuncia", "required": True}
    return {"code": "furto", "label": "Furto", "documents": [document]} | overrides


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"code": "furto"}, "lista di tipi"),
        ([_kind(code="Furto!")], "Codice del tipo di sinistro «Furto!» non valido"),
        ([_kind(), _kind()], "«furto» ripetuto"),
        ([_kind(label="")], "manca l'etichetta"),
        ([_kind(documents=None)], "lista dei documenti"),
        (
            [_kind(documents=[{"code": "perizia", "label": "Perizia", "required": True}])],
            "«perizia» è riservato",
        ),
        ([_kind(documents=[{"code": "foto", "label": "Foto", "required": "sì"}])], "obbligatorio"),
    ],
)
def test_bad_claim_types_are_refused_with_a_message(value, message):
    with pytest.raises(ValidationError, match=message):
        validate_claim_types(value)


@pytest.mark.django_db
def test_insurer_closures_are_iso_dates():
    validate_claims_closures(["2026-12-07"])
    insurer = Insurer(name="Compagnia", ivass_code="X1", claims_closures=["7/12/2026"])
    with pytest.raises(ValidationError, match="non è una data AAAA-MM-GG"):
        insurer.full_clean()
    with pytest.raises(ValidationError, match="lista di date"):
        validate_claims_closures("2026-12-07")


@pytest.mark.parametrize("product", REQUIRED_DOCUMENTS)
def test_the_demo_required_documents_and_needs_questionnaires_are_valid(product):
    validate_required_documents(REQUIRED_DOCUMENTS[product])
    validate_needs_questionnaire(NEEDS_QUESTIONNAIRES[product])
    validate_needs_questionnaire({})


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"code": "visura"}, "lista di documenti"),
        ([{"code": "Visura camerale", "label": "Visura"}], "non valido"),
        ([{"code": "visura", "label": "Visura"}] * 2, "«visura» ripetuto"),
        ([{"code": "visura"}], "manca l'etichetta"),
        ([{"code": "altro", "label": "Altro"}], "«altro» è riservato"),
    ],
)
def test_bad_required_documents_are_refused_with_a_message(value, message):
    with pytest.raises(ValidationError, match=message):
        validate_required_documents(value)


def _questionnaire(**overrides) -> dict:
    question = {
        "name": "need",
        "label": "Vuole assicurarsi?",
        "choices": [["si", "Sì"], ["no", "No"]],
        "consistent": ["si"],
    }
    return {"version": "2026-01", "questions": [question | overrides]}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([], "versione e la lista delle domande"),
        ({"version": "", "questions": []}, "versione del questionario"),
        (_questionnaire(name="Need!"), "non valido"),
        (_questionnaire(label=" "), "manca il testo"),
        (_questionnaire(choices=["si", "no"]), "valore, etichetta"),
        (_questionnaire(consistent=["forse"]), "coerenti con il prodotto"),
    ],
)
def test_bad_needs_questionnaires_are_refused_with_a_message(value, message):
    with pytest.raises(ValidationError, match=message):
        validate_needs_questionnaire(value)
