"""The export of everything polis holds about a client (GDPR art. 15 and 20): his record, each
app's registered section (`polis.privacy.registry`) and the audit entries about him, as JSON
(portable) and as a readable PDF in Italian. Built for the person himself: it holds the health
data of his claims."""

import hashlib
import json

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from polis.audit.labels import action_label
from polis.audit.models import AuditEvent
from polis.audit.services import object_label
from polis.documents.pdf import render_pdf
from polis.documents.validation import ValidatedFile
from polis.privacy.models import DataSubjectRequest
from polis.privacy.registry import exporters

CLIENT_FIELDS = (
    "first_name",
    "last_name",
    "company_name",
    "codice_fiscale",
    "partita_iva",
    "birth_date",
    "sex",
    "email",
    "mobile",
    "pec",
    "address",
    "postal_code",
    "city",
    "province",
    "privacy_consent_version",
    "privacy_consent_at",
    "privacy_notice_version",
    "privacy_notice_delivered_at",
    "marketing_consent_at",
)


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else ("" if value is None else value)


def client_record(client) -> list[dict]:
    return [
        {
            str(client._meta.get_field(name).verbose_name): _plain(getattr(client, name))
            for name in CLIENT_FIELDS
        }
    ]


def audit_entries(client) -> list[dict]:
    """The audit events about the client's record and about his own requests."""
    about = Q(object_type=object_label(client), object_id=str(client.pk)) | Q(
        object_type=object_label(DataSubjectRequest),
        object_id__in=[str(pk) for pk in client.privacy_requests.values_list("pk", flat=True)],
    )
    events = AuditEvent.objects.filter(about).order_by("at", "pk")
    return [
        {"azione": str(action_label(event.action)), "il": event.at.isoformat()} for event in events
    ]


def build_export(client) -> dict:
    sections = [
        {"sezione": "cliente", "titolo": _("Dati anagrafici"), "dati": client_record(client)}
    ]
    sections += [
        {
            "sezione": exporter.section,
            "titolo": str(exporter.title),
            "dati": exporter.export(client),
        }
        for exporter in exporters()
    ]
    sections.append(
        {
            "sezione": "audit",
            "titolo": _("Registro delle operazioni"),
            "dati": audit_entries(client),
        }
    )
    return {
        "titolare": settings.MGA_NAME,
        "generato_il": timezone.now().isoformat(),
        "sezioni": sections,
    }


def export_json(data: dict) -> ValidatedFile:
    content = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False).encode()
    return ValidatedFile(
        name="dati-personali.json",
        content_type="application/json",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )


def _text(value) -> str:
    if isinstance(value, list):
        return "; ".join(_text(item) for item in value) or "—"
    if isinstance(value, dict):
        return ", ".join(f"{_heading(k)}: {_text(v)}" for k, v in value.items())
    return str(value) if value not in ("", None) else "—"


def _heading(key: str) -> str:
    return key.replace("_", " ").capitalize()


def export_pdf(data: dict) -> ValidatedFile:
    sections = [
        {
            "title": section["titolo"],
            "items": [
                [(_heading(key), _text(value)) for key, value in item.items()]
                for item in section["dati"]
            ],
        }
        for section in data["sezioni"]
    ]
    return render_pdf(
        template="privacy/export_pdf.html",
        context={"data": data, "sections": sections},
        name="dati-personali.pdf",
    )
