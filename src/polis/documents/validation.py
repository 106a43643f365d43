"""Upload validation: the type is recognized by content, never by name or by what the client says.

Accepted: PDF (without active content), JPEG, PNG, TIFF and P7M (CMS signed data). Refused with an
Italian message: anything else, empty or oversize files, polyglots (data after the end of the
format), decompression bombs, deceptive names (paths, control or bidirectional characters), and
PDFs that qpdf (through pikepdf) cannot parse, that are encrypted, or that hold JavaScript, actions
run on opening or on events, launch/submit/import actions, embedded files, rich media or XFA forms
anywhere: every object is walked, those in object streams included, and every stream but the
images is decoded through all its filters, within qpdf's memory limits.
"""

import hashlib
import io
import re
import unicodedata
import warnings
from dataclasses import dataclass

import pikepdf
from asn1crypto import cms, pem
from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image

from polis.core.errors import DomainError

PDF, JPEG, PNG, TIFF, P7M = (
    "application/pdf",
    "image/jpeg",
    "image/png",
    "image/tiff",
    ("application/pkcs7-mime"),
)
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png", TIFF: ".tif", P7M: ".p7m"}

# PDF names that make a document act instead of being read (ISO 32000 §12.6, §7.11.4, §12.7.8,
# §13.7), refused wherever they occur, as a key or as a value (/S /JavaScript, /Type /EmbeddedFile).
_PDF_ACTIVE_NAMES = frozenset(
    "/" + name
    for name in (
        "JavaScript",
        "JS",
        "Launch",
        "AA",
        "EmbeddedFile",
        "EmbeddedFiles",
        "RichMedia",
        "RichMediaContent",
        "XFA",
        "SubmitForm",
        "ImportData",
        "GoToR",
        "GoToE",
    )
)
# The same names in the decoded text of an object stream qpdf did not load (not in the xref).
_PDF_ACTIVE_TEXT = re.compile(
    rb"/(" + b"|".join(re.escape(name[1:].encode()) for name in _PDF_ACTIVE_NAMES) + rb")(?![\w#])"
)
_PDF_IMAGE_FILTERS = frozenset(("/DCTDecode", "/JPXDecode", "/JBIG2Decode", "/CCITTFaxDecode"))
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# Signatures of archives, executables, scripts and markup: never part of a document we accept.
_FOREIGN = re.compile(rb"PK\x03\x04|MZ\x90|#!/|<\s*(script|html|svg|iframe)\b", re.IGNORECASE)
_NAME_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f/\\]|\.\.")
_BIDI = {
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200e",
    "\u200f",
    "\u061c",
}
MAX_DECODED_PER_STREAM = 50 * 1024 * 1024
MAX_IMAGE_PIXELS = 60_000_000

# qpdf's limits are process-wide; they bound what one decoded stream may take (decompression bombs).
pikepdf.settings.set_qpdf_limits(
    flate_max_memory=MAX_DECODED_PER_STREAM,
    run_length_max_memory=MAX_DECODED_PER_STREAM,
    png_max_memory=MAX_DECODED_PER_STREAM,
    tiff_max_memory=MAX_DECODED_PER_STREAM,
    dct_max_memory=MAX_DECODED_PER_STREAM,
    max_stream_filters=4,
)


@dataclass(frozen=True)
class ValidatedFile:
    name: str
    content_type: str
    size: int
    sha256: str
    content: bytes


def _refuse(message: str):
    raise DomainError(message, field="file")


def clean_filename(name: str, content_type: str) -> str:
    """A safe display name: the client's name, checked, with the extension of the real type."""
    name = unicodedata.normalize("NFC", name or "").strip()
    if _NAME_FORBIDDEN.search(name) or any(char in _BIDI for char in name):
        _refuse(_("Il nome del file contiene caratteri non ammessi: rinominalo e riprova."))
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = re.sub(r"[^\w\- ().]+", "_", stem).strip(" ._") or "documento"
    return stem[:120] + EXTENSIONS[content_type]


def _sniff(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return TIFF
    if data[:1] == b"\x30" or data.startswith(b"-----BEGIN PKCS7"):
        return P7M
    return None


def _refuse_active_pdf():
    _refuse(
        _(
            "Il PDF contiene contenuti attivi (JavaScript, azioni o file allegati) "
            "e non può essere accettato."
        )
    )


def _check_pdf_object(obj) -> None:
    """Refuse active names in one object and in the direct objects it contains."""
    if isinstance(obj, pikepdf.Name):
        if str(obj) in _PDF_ACTIVE_NAMES:
            _refuse_active_pdf()
        return
    if isinstance(obj, pikepdf.Stream | pikepdf.Dictionary):
        for key in obj.keys():
            if key in _PDF_ACTIVE_NAMES:
                _refuse_active_pdf()
        # A destination (an array) may open the document at a page; an action may not.
        if isinstance(obj.get("/OpenAction"), pikepdf.Dictionary):
            _refuse_active_pdf()
        children = obj.values()
    elif isinstance(obj, pikepdf.Array):
        children = list(obj)
    else:
        return
    for child in children:
        # Indirect objects are walked once each, by the caller.
        if isinstance(child, pikepdf.Object) and not child.is_indirect:
            _check_pdf_object(child)


def _check_pdf_stream(stream: pikepdf.Stream) -> None:
    filters = stream.get("/Filter")
    filters = [filters] if isinstance(filters, pikepdf.Name) else list(filters or [])
    object_stream = stream.get("/Type") == pikepdf.Name.ObjStm
    # Pixels are never read as PDF objects, and a high-resolution scan decodes to more than a
    # stream's limit: images are left encoded (qpdf decodes no image codec anyway).
    if not object_stream and (
        stream.get("/Subtype") == pikepdf.Name.Image
        or any(name in _PDF_IMAGE_FILTERS for name in filters)
    ):
        return
    try:
        decoded = stream.read_bytes()
    except pikepdf.PdfError as exc:
        raise DomainError(
            _("Il PDF contiene dati compressi anomali o illeggibili."), field="file"
        ) from exc
    if object_stream:
        normalized = _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), decoded)
        if _PDF_ACTIVE_TEXT.search(normalized):
            _refuse_active_pdf()


def _check_pdf(data: bytes) -> None:
    tail = data.rstrip()
    if not tail.endswith(b"%%EOF"):
        _refuse(_("Il PDF è incompleto o contiene dati dopo la fine del documento."))
    if _FOREIGN.search(data):
        _refuse(_("Il PDF contiene dati di un altro formato e non può essere accettato."))
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError as exc:
        raise DomainError(
            _("Il PDF è protetto da password: caricalo senza protezione."), field="file"
        ) from exc
    except pikepdf.PdfError as exc:
        raise DomainError(_("Il PDF è danneggiato o non valido."), field="file") from exc
    with pdf:
        if pdf.is_encrypted:
            _refuse(_("Il PDF è cifrato: caricalo senza protezione."))
        _check_pdf_object(pdf.trailer)
        for obj in pdf.objects:
            _check_pdf_object(obj)
            if isinstance(obj, pikepdf.Stream):
                _check_pdf_stream(obj)


def _tiff_outside_pixels(image) -> bytes:
    """The bytes of a TIFF that are not pixel data (headers, directories, metadata, trailers)."""
    offsets = image.tag_v2.get(273) or image.tag_v2.get(324) or ()  # strips or tiles
    counts = image.tag_v2.get(279) or image.tag_v2.get(325) or ()
    ranges = [(offset, offset + count) for offset, count in zip(offsets, counts, strict=False)]
    raw = image.fp.getvalue()
    kept, position = [], 0
    for start, end in sorted(ranges):
        kept.append(raw[position:start])
        position = max(position, end)
    kept.append(raw[position:])
    return b"".join(kept)


def _check_image(data: bytes, content_type: str) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise DomainError(_("L'immagine è troppo grande."), field="file") from exc
    except Exception as exc:
        raise DomainError(_("L'immagine è danneggiata o non valida."), field="file") from exc
    try:
        with image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                _refuse(_("L'immagine è troppo grande."))
            if content_type == TIFF and _FOREIGN.search(_tiff_outside_pixels(image)):
                _refuse(
                    _("L'immagine contiene dati di un altro formato e non può essere accettata.")
                )
            image.verify()
    except DomainError:
        raise
    except Exception as exc:
        raise DomainError(_("L'immagine è danneggiata o non valida."), field="file") from exc
    trailer = {JPEG: b"\xff\xd9", PNG: b"IEND\xaeB`\x82"}.get(content_type)
    if trailer and not data.rstrip(b"\x00").endswith(trailer):
        _refuse(_("L'immagine contiene dati dopo la sua fine e non può essere accettata."))
    if _FOREIGN.search(data[:4096]) or _FOREIGN.search(data[-4096:]):
        _refuse(_("L'immagine contiene dati di un altro formato e non può essere accettata."))


def _check_p7m(data: bytes) -> None:
    try:
        if pem.detect(data):
            _type, _headers, data = pem.unarmor(data)
        info = cms.ContentInfo.load(data, strict=True)
        if info["content_type"].native != "signed_data":
            raise ValueError("not signed data")
        info["content"]["encap_content_info"]["content"].native  # noqa: B018 - forces parsing
    except Exception as exc:
        raise DomainError(_("Il file .p7m non è una busta firmata valida."), field="file") from exc


def validate_upload(*, name: str, data: bytes) -> ValidatedFile:
    """Check an uploaded file's content; return what may be stored, or raise DomainError."""
    if not data:
        _refuse(_("Il file è vuoto."))
    if len(data) > settings.UPLOAD_MAX_BYTES:
        _refuse(
            _("Il file supera la dimensione massima di %(mb)s MB.")
            % {"mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}
        )
    content_type = _sniff(data)
    if content_type is None:
        _refuse(
            _(
                "Formato non ammesso: carica un PDF, un'immagine JPEG, PNG o TIFF, "
                "oppure un file firmato .p7m."
            )
        )
    clean_name = clean_filename(name, content_type)
    if content_type == PDF:
        _check_pdf(data)
    elif content_type == P7M:
        _check_p7m(data)
    else:
        _check_image(data, content_type)
    return ValidatedFile(
        name=clean_name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content=data,
    )
