"""PDFs the platform generates (quotes, contracts, disclosures), ready to be stored and hashed."""

import hashlib

from django.template.loader import render_to_string
from weasyprint import HTML

from polis.documents.validation import PDF, ValidatedFile


def render_pdf(*, template: str, context: dict, name: str) -> ValidatedFile:
    """Render an HTML template to a PDF with WeasyPrint, hashed like an upload."""
    pdf = HTML(string=render_to_string(template, context)).write_pdf()
    return ValidatedFile(
        name=name,
        content_type=PDF,
        size=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
        content=pdf,
    )
