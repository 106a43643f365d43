"""The practice's dossier: uploaded documents and the client's demands and needs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from polis.audit.services import record_audit
from polis.core.access import require
from polis.core.errors import DomainError, InvalidTransition
from polis.documents.services import store_upload
from polis.lifecycle import lock, save_versioned
from polis.practices.models import Practice, PracticeDocument
from polis.practices.services._common import S, _own

if TYPE_CHECKING:
    from polis.accounts.models import User

OTHER_DOCUMENT = "altro"


def add_practice_documents(
    *, actor: User, practice: Practice, kind: str, uploads: Iterable[tuple[str, bytes]]
) -> list[PracticeDocument]:
    """Documents added to a practice by its firm or the MGA (validated by content); the same
    kind again is a new version."""
    require(actor, "view_practices")
    _own(actor, practice)
    if not uploads:
        raise DomainError(_("Scegli almeno un file."), field="files")
    labels = {d["code"]: d["label"] for d in practice.product.required_documents}
    with transaction.atomic():
        practice = lock(practice)
        added = [
            PracticeDocument.objects.create(
                practice=practice,
                kind=kind if kind in labels else OTHER_DOCUMENT,
                label=labels.get(kind, _("Altro documento")),
                file=store_upload(actor=actor, name=name, data=data),
                uploaded_by=actor,
                uploaded_at=timezone.now(),
            )
            for name, data in uploads
        ]
        record_audit(
            actor=actor,
            action="practice.documents_added",
            target=practice,
            data={"files": [d.file.name for d in added]},
        )
        return added


def record_demands_and_needs(
    *,
    actor: User,
    practice: Practice,
    answers: dict,
    refused: bool = False,
    medium: str = "",
    durable_consent: bool = False,
) -> Practice:
    """Esigenze e bisogni (IVASS Reg. 40/2018 art. 58): the client's answers to the product's
    versioned questionnaire, with the consistency result and the rule that gave it. A refusal
    to answer, or an answer the product does not fit, will stop the issuing.

    With them, how the client receives the pre-contractual documents (Reg. 40/2018 art. 73):
    on paper, or on a durable non-paper medium only with the client's consent."""
    require(actor, "work_portfolio")
    _own(actor, practice)
    template = practice.product.needs_questionnaire
    questions = template.get("questions", [])
    reason = ""
    if refused:
        reason = _(
            "Il cliente non ha risposto al questionario sulle esigenze: non si può emettere."
        )
        medium, durable_consent = "", False
    else:
        for question in questions:
            labels = dict(question["choices"])
            value = answers.get(question["name"], "")
            if value not in labels:
                raise DomainError(_("Rispondi a ogni domanda."), field=question["name"])
            if not reason and value not in question["consistent"]:
                reason = _("Prodotto non coerente con le esigenze: «%(q)s» – %(a)s.") % {
                    "q": question["label"],
                    "a": labels[value],
                }
        if medium not in Practice.DeliveryMedium.values:
            raise DomainError(
                _("Indica come il cliente riceve i documenti precontrattuali."), field="medium"
            )
        durable_consent = durable_consent and medium != Practice.DeliveryMedium.PAPER
        if medium != Practice.DeliveryMedium.PAPER and not durable_consent:
            raise DomainError(
                _(
                    "Senza il consenso del cliente a un supporto durevole non cartaceo i "
                    "documenti precontrattuali si consegnano su carta."
                ),
                field="durable_consent",
            )
    with transaction.atomic():
        practice = lock(practice)
        if practice.status not in (S.DRAFT, S.INFO_REQUESTED):
            raise InvalidTransition(_("Le esigenze si raccolgono prima dell'emissione."))
        practice.needs = {
            "version": template.get("version", ""),
            "answers": {} if refused else {q["name"]: answers[q["name"]] for q in questions},
            "refused": refused,
            "consistent": not reason,
            "reason": reason,
            "medium": medium,
            "durable_consent": durable_consent,
            "by": actor.get_full_name(),
            "at": timezone.now().isoformat(),
        }
        save_versioned(practice, "needs")
        record_audit(
            actor=actor,
            action="practice.needs_recorded",
            target=practice,
            data={"consistent": not reason},
        )
        return practice
