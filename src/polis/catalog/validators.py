"""Checks on the catalog data staff edit by hand (in the admin): a typo there must be refused
with a message, not break the claim pages later."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# Document kinds the claims app uses itself, besides each product's checklist.
RESERVED_DOCUMENT_CODES = {"altro", "perizia", "obiezioni"}


def validate_claims_closures(value) -> None:
    """A list of ISO dates, e.g. ["2026-12-07"]."""
    if not isinstance(value, list):
        raise ValidationError(_('Indica una lista di date, es. ["2026-12-07"].'))
    for day in value:
        try:
            date.fromisoformat(day)
        except (TypeError, ValueError):
            raise ValidationError(
                _("«%(day)s» non è una data AAAA-MM-GG.") % {"day": day}
            ) from None


def _check_code(code, seen: set, what: str) -> None:
    if not isinstance(code, str) or not _CODE.match(code):
        raise ValidationError(
            _("Codice %(what)s «%(code)s» non valido: lettere minuscole, cifre e _, max 40.")
            % {"what": what, "code": code}
        )
    if code in seen:
        raise ValidationError(
            _("Codice %(what)s «%(code)s» ripetuto.") % {"what": what, "code": code}
        )
    seen.add(code)


def _check_label(item: dict) -> None:
    label = item.get("label")
    if not isinstance(label, str) or not label.strip() or len(label) > 200:
        raise ValidationError(
            _("«%(code)s»: manca l'etichetta (max 200 caratteri).") % {"code": item.get("code")}
        )


def validate_claim_types(value) -> None:
    """[{code, label, documents: [{code, label, required}]}], codes unique."""
    if not isinstance(value, list) or not all(isinstance(kind, dict) for kind in value):
        raise ValidationError(_("Indica una lista di tipi di sinistro."))
    kinds: set = set()
    for kind in value:
        _check_code(kind.get("code"), kinds, _("del tipo di sinistro"))
        _check_label(kind)
        documents = kind.get("documents")
        if not isinstance(documents, list) or not all(isinstance(d, dict) for d in documents):
            raise ValidationError(
                _("«%(code)s»: indica la lista dei documenti.") % {"code": kind["code"]}
            )
        codes: set = set()
        for document in documents:
            if document.get("code") in RESERVED_DOCUMENT_CODES:
                raise ValidationError(
                    _("Il codice del documento «%(code)s» è riservato.")
                    % {"code": document["code"]}
                )
            _check_code(document.get("code"), codes, _("del documento"))
            _check_label(document)
            if not isinstance(document.get("required"), bool):
                raise ValidationError(
                    _("«%(code)s»: indica se il documento è obbligatorio (true o false).")
                    % {"code": document["code"]}
                )


def validate_required_documents(value) -> None:
    """[{code, label}]: what the firm uploads before issuing; "altro" is the practices' own."""
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ValidationError(_('Indica una lista di documenti, es. [{"code": …, "label": …}].'))
    codes: set = set()
    for item in value:
        if item.get("code") == "altro":
            raise ValidationError(_("Il codice del documento «altro» è riservato."))
        _check_code(item.get("code"), codes, _("del documento"))
        _check_label(item)


def validate_needs_questionnaire(value) -> None:
    """{} (none), or {version, questions: [{name, label, choices: [[value, label]], consistent:
    [values among the choices]}]}: the demands-and-needs template of a product."""
    if value == {}:
        return
    if not isinstance(value, dict) or not isinstance(value.get("questions"), list):
        raise ValidationError(_("Indica la versione e la lista delle domande."))
    if not isinstance(value.get("version"), str) or not value["version"].strip():
        raise ValidationError(_("Indica la versione del questionario (es. «2026-01»)."))
    names: set = set()
    for question in value["questions"]:
        if not isinstance(question, dict):
            raise ValidationError(_("Ogni domanda è un oggetto con nome, testo e risposte."))
        _check_code(question.get("name"), names, _("della domanda"))
        if not isinstance(question.get("label"), str) or not question["label"].strip():
            raise ValidationError(
                _("«%(code)s»: manca il testo della domanda.") % {"code": question["name"]}
            )
        choices = question.get("choices")
        if (
            not isinstance(choices, list)
            or not choices
            or not all(
                isinstance(c, list) and len(c) == 2 and all(isinstance(x, str) for x in c)
                for c in choices
            )
        ):
            raise ValidationError(
                _("«%(code)s»: indica le risposte come [valore, etichetta].")
                % {"code": question["name"]}
            )
        consistent = question.get("consistent")
        values = {choice[0] for choice in choices}
        if not isinstance(consistent, list) or not consistent or not set(consistent) <= values:
            raise ValidationError(
                _("«%(code)s»: indica tra le risposte quelle coerenti con il prodotto.")
                % {"code": question["name"]}
            )


def _check_criteria(criteria, where: str) -> None:
    if not isinstance(criteria, dict) or not set(criteria) <= {
        "client_kinds",
        "age",
        "answers",
        "needs",
    }:
        raise ValidationError(
            _("«%(where)s»: indica solo client_kinds, age, answers e needs.") % {"where": where}
        )
    kinds = criteria.get("client_kinds", [])
    if not isinstance(kinds, list) or not set(kinds) <= {"person", "company"}:
        raise ValidationError(
            _("«%(where)s»: client_kinds è una lista di «person» e «company».") % {"where": where}
        )
    band = criteria.get("age", {})
    if (
        not isinstance(band, dict)
        or not set(band) <= {"min", "max"}
        or not all(isinstance(v, int) and 0 <= v <= 120 for v in band.values())
        or band.get("min", 0) > band.get("max", 120)
    ):
        raise ValidationError(_("«%(where)s»: age è {min, max} in anni interi.") % {"where": where})
    for key in ("answers", "needs"):
        values = criteria.get(key, {})
        if not isinstance(values, dict) or not all(
            isinstance(v, list) and v and all(isinstance(x, str) for x in v)
            for v in values.values()
        ):
            raise ValidationError(
                _("«%(where)s»: %(key)s associa a ogni domanda la lista delle risposte.")
                % {"where": where, "key": key}
            )


def validate_target_market(value) -> None:
    """{} (none), or {version, positive: {criteria}, negative: {criteria}} with optional
    approval_document and sent_to_insurer_on (ISO date): a product's POG target market (see
    `polis.catalog.target_market`)."""
    if value == {}:
        return
    if not isinstance(value, dict):
        raise ValidationError(_("Indica il target market come oggetto."))
    if not isinstance(value.get("version"), str) or not value["version"].strip():
        raise ValidationError(_("Indica la versione del target market (es. «2026-01»)."))
    unknown = set(value) - {
        "version",
        "approval_document",
        "sent_to_insurer_on",
        "positive",
        "negative",
    }
    if unknown:
        raise ValidationError(
            _("Chiavi sconosciute nel target market: %(keys)s.") % {"keys": ", ".join(unknown)}
        )
    if "sent_to_insurer_on" in value:
        validate_claims_closures([value["sent_to_insurer_on"]])
    for part in ("positive", "negative"):
        _check_criteria(value.get(part, {}), part)
