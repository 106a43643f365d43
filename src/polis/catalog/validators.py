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
