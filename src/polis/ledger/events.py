"""The event types the public log accepts, each with the label the register shows for it.

A domain records its own type: a signed quietanza is `quietanza.signed`, not
`contract.signed`. A new kind of event is added here, with its label.
"""

from django.utils.translation import gettext_lazy as _

EVENT_LABELS = {
    "policy.issued": _("Polizza emessa"),
    "contract.signed": _("Contratto firmato"),
    "contract.evidence": _("Rapporto di firma del contratto"),
    "practice.in_force": _("Pratica in vigore"),
    "endorsement.issued": _("Appendice di variazione emessa"),
    "endorsement.signed": _("Appendice di variazione firmata"),
    "endorsement.evidence": _("Rapporto di firma dell'appendice"),
    "claim.opened": _("Sinistro aperto"),
    "quietanza.signed": _("Quietanza firmata"),
    "quietanza.evidence": _("Rapporto di firma della quietanza"),
    "quietanza.accepted": _("Quietanza accettata"),
    "quietanza.refused": _("Quietanza rifiutata"),
    "demo.document": _("Documento dimostrativo"),
}
EVENT_TYPES = tuple(EVENT_LABELS)


def event_label(type: str) -> str:
    return str(EVENT_LABELS.get(type, type))
