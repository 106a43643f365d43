"""Pre-contractual disclosure of the distributor (Reg. IVASS 40/2018), as versioned templates.

Since 4 July 2025 one *Modello Unico Precontrattuale* (MUP) replaces Allegati 3, 4 and 4-ter; the
older set still renders for practices made under it. Since December 2026 the MGA's privacy notice
to the client (art. 13 GDPR) is handed over with every set: its retention periods are read from the
registered record classes, the ones the purge applies. Each rendered document is hashed so the
practice can record exactly which version and text the client received.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.text import slugify

from polis.accounts.models import Firm, User
from polis.core.retention import record_classes
from polis.documents.pdf import render_pdf
from polis.documents.validation import ValidatedFile

MUP_START = date(2025, 7, 4)
ALLEGATI_START = date(2021, 3, 31)  # Provv. IVASS 97/2020
PRIVACY_NOTICE_START = date(2026, 12, 7)
PRIVACY_NOTICE = "privacy_notice"  # the kind of the client's privacy notice (art. 13 GDPR)


@dataclass(frozen=True)
class DisclosureTemplate:
    kind: str
    version: str
    title: str
    template: str
    valid_from: date
    valid_to: date | None = None

    def in_force(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


TEMPLATES = [
    DisclosureTemplate(
        "mup",
        "2025-07",
        "Modello Unico Precontrattuale (MUP)",
        "practices/disclosures/mup_2025.html",
        MUP_START,
    ),
    DisclosureTemplate(
        PRIVACY_NOTICE,
        "2026-12",
        "Informativa sul trattamento dei dati personali (art. 13 GDPR)",
        "practices/disclosures/privacy_notice_2026.html",
        PRIVACY_NOTICE_START,
    ),
    DisclosureTemplate(
        "allegato_3",
        "2021-03",
        "Allegato 3 – Informativa sul distributore",
        "practices/disclosures/allegato3_2021.html",
        ALLEGATI_START,
        date(2025, 7, 3),
    ),
    DisclosureTemplate(
        "allegato_4",
        "2021-03",
        "Allegato 4 – Informazioni sulla distribuzione del prodotto assicurativo non-IBIP",
        "practices/disclosures/allegato4_2021.html",
        ALLEGATI_START,
        date(2025, 7, 3),
    ),
    DisclosureTemplate(
        "allegato_4ter",
        "2021-03",
        "Allegato 4-ter – Elenco delle regole di comportamento del distributore",
        "practices/disclosures/allegato4ter_2021.html",
        ALLEGATI_START,
        date(2025, 7, 3),
    ),
]


@dataclass(frozen=True)
class RenderedDisclosure:
    template: DisclosureTemplate
    html: str
    file: ValidatedFile

    @property
    def pdf(self) -> bytes:
        return self.file.content

    @property
    def sha256(self) -> str:
        return self.file.sha256


def templates_in_force(on: date) -> list[DisclosureTemplate]:
    """The disclosure set to hand over on a date."""
    found = [template for template in TEMPLATES if template.in_force(on)]
    if not found:
        raise ValueError(f"no disclosure template in force on {on}")
    return found


def _context(*, firm: Firm, person: User, on: date, insurers: list[str]) -> dict:
    person_section = person.rui_section or firm.rui_section
    return {
        "firm": firm,
        "person": person,
        "person_section": person_section,
        "person_rui_number": person.rui_number or firm.rui_number,
        "person_rui_date": person.rui_date or firm.rui_date,
        "acts_for_principal": person_section == "E" or firm.rui_section == "E",
        "insurers": insurers,
        "on": on,
        "retention": record_classes(),
        "mga": {
            "name": settings.MGA_LEGAL_NAME,
            "address": settings.MGA_ADDRESS,
            "pec": settings.MGA_PEC,
            "email": settings.MGA_CONTACT_EMAIL,
            "website": settings.MGA_WEBSITE,
            "rui_number": settings.MGA_RUI_NUMBER,
            "rui_date": date.fromisoformat(settings.MGA_RUI_DATE),
        },
    }


def render_disclosures(
    *, firm: Firm, person: User, on: date, insurers: list[str]
) -> list[RenderedDisclosure]:
    """Render the disclosure set in force on `on` for the person in contact with the client."""
    context = _context(firm=firm, person=person, on=on, insurers=insurers)
    rendered = []
    for template in templates_in_force(on):
        document = {**context, "doc": template}
        pdf = render_pdf(
            template=template.template, context=document, name=f"{slugify(template.title)}.pdf"
        )
        rendered.append(
            RenderedDisclosure(template, render_to_string(template.template, document), pdf)
        )
    return rendered
