"""PDFs the platform generates (quotes, contracts, disclosures), ready to be stored and hashed."""

import hashlib
import threading

from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from polis.documents.validation import PDF, ValidatedFile

_per_thread = threading.local()


def _font_config() -> FontConfiguration:
    """The thread's font configuration, built once: WeasyPrint otherwise builds one per document
    (Fontconfig's font list, Pango's font map and its loaded fonts), and Pango's font map is not
    to be shared between threads."""
    if not hasattr(_per_thread, "font_config"):
        _per_thread.font_config = FontConfiguration()
    return _per_thread.font_config


def html_to_pdf(html: str) -> bytes:
    """WeasyPrint's PDF of an HTML document."""
    return HTML(string=html).write_pdf(font_config=_font_config())


def render_pdf(*, template: str, context: dict, name: str) -> ValidatedFile:
    """Render an HTML template to a PDF with WeasyPrint, hashed like an upload."""
    pdf = html_to_pdf(render_to_string(template, context))
    return ValidatedFile(
        name=name,
        content_type=PDF,
        size=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
        content=pdf,
    )
