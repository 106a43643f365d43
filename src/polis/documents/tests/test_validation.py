"""Upload validation: good files pass; a generated corpus of 1000+ hostile uploads is refused."""

import base64
import binascii
import datetime
import io
import itertools
import zlib

import pikepdf
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID
from django.utils import timezone
from PIL import Image

from polis.clients.tests.factories import ClientFactory
from polis.core.errors import DomainError
from polis.documents.models import StoredFile
from polis.documents.services import store_upload
from polis.documents.validation import validate_upload
from polis.practices import services as practices
from polis.quotes import services as quotes
from polis.quotes.tests.factories import demo_product
from polis.quotes.tests.test_quotes import ARCHITECT
from polis.signatures.pades import sign_pdf


def image_bytes(fmt: str, size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


def pdf_bytes(body: bytes = b"") -> bytes:
    """A minimal well-formed PDF; `body` adds raw objects (for hostile variants)."""
    objects = [
        b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj",
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj",
        b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj",
    ]
    return (
        b"%PDF-1.7\n" + b"\n".join(objects) + b"\n" + body + b"\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )


def p7m_bytes() -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Firmatario di prova")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(pdf_bytes())
        .add_signer(cert, key, hashes.SHA256())
        .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary])
    )


# Encoders for the PDF filters, applied in reverse of the /Filter array (a reader decodes in order).
ENCODERS = {
    b"/FlateDecode": zlib.compress,
    b"/ASCIIHexDecode": lambda data: binascii.hexlify(data) + b">",
    b"/ASCII85Decode": lambda data: base64.a85encode(data) + b"~>",
    b"/RunLengthDecode": lambda data: (
        b"".join(
            bytes([len(chunk) - 1]) + chunk
            for chunk in (data[i : i + 128] for i in range(0, len(data), 128))
        )
        + b"\x80"
    ),
}


def objstm_pdf(hidden: bytes, filters: list[bytes], catalog_extra: bytes = b"") -> bytes:
    """A well-formed PDF 1.5 whose object 4 (`hidden`) lives in an object stream under `filters`.

    The cross-reference is a stream too, so the object is found only by parsing the object
    stream, as a PDF reader does.
    """
    header = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    plain = {
        1: b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Annots [4 0 R] >>",
    }
    objstm_data = b"4 0 " + hidden
    for filter_name in reversed(filters):
        objstm_data = ENCODERS[filter_name](objstm_data)
    body, offsets = header, {}
    for number, text in plain.items():
        offsets[number] = len(body)
        body += b"%d 0 obj\n%s\nendobj\n" % (number, text)
    offsets[5] = len(body)
    body += (
        b"5 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter [%s] /Length %d >>\nstream\n"
        % (b" ".join(filters), len(objstm_data))
        + objstm_data
        + b"\nendstream\nendobj\n"
    )
    offsets[6] = len(body)
    rows = [b"\x00" + b"\x00" * 4 + b"\xff\xff"]
    for number in range(1, 7):
        if number == 4:
            rows.append(b"\x02" + (5).to_bytes(4, "big") + (0).to_bytes(2, "big"))
        else:
            rows.append(b"\x01" + offsets[number].to_bytes(4, "big") + b"\x00\x00")
    xref = b"".join(rows)
    body += (
        b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
        % len(xref)
        + xref
        + b"\nendstream\nendobj\n"
    )
    return body + b"startxref\n%d\n%%%%EOF\n" % offsets[6]


def pikepdf_bytes(**save_options) -> bytes:
    """A one-page PDF written by qpdf (object streams, compressed), with `save_options`."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    buffer = io.BytesIO()
    pdf.save(buffer, **save_options)
    return buffer.getvalue()


def large_flate_scan_bytes() -> bytes:
    """A 600 dpi colour A4 scan stored losslessly (FlateDecode): 100 MB of pixels, 0.1 MB file."""
    pdf = pikepdf.new()
    width, height = 4960, 7016
    pixels = zlib.compress(b"\xf0" * (width * height * 3), 9)
    image = pikepdf.Stream(
        pdf,
        pixels,
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Image,
        Width=width,
        Height=height,
        ColorSpace=pikepdf.Name.DeviceRGB,
        BitsPerComponent=8,
        Filter=pikepdf.Name.FlateDecode,
    )
    page = pdf.add_blank_page(page_size=(595, 842))
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    page.Contents = pikepdf.Stream(pdf, b"q 595 0 0 842 0 0 cm /Im0 Do Q")
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def scanned_pdf_bytes() -> bytes:
    """A scanner-like PDF: one JPEG page per sheet, as Pillow writes it."""
    buffer = io.BytesIO()
    pages = [Image.new("L", (850, 1100), shade) for shade in (230, 240)]
    pages[0].save(buffer, "PDF", resolution=100, save_all=True, append_images=pages[1:])
    return buffer.getvalue()


GOOD = {
    "contratto.pdf": pdf_bytes(),
    "foto.jpg": image_bytes("JPEG"),
    "scansione.png": image_bytes("PNG"),
    "fax.tiff": image_bytes("TIFF"),
    "firmato.pdf.p7m": p7m_bytes(),
}
GOOD_PDFS = {
    "object-streams.pdf": pikepdf_bytes(object_stream_mode=pikepdf.ObjectStreamMode.generate),
    "scansione.pdf": scanned_pdf_bytes(),
    "scansione-600dpi.pdf": large_flate_scan_bytes(),
    "open-at-page.pdf": objstm_pdf(
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (https://x.it) >> >>",
        [b"/FlateDecode", b"/FlateDecode"],
        catalog_extra=b"/OpenAction [3 0 R /Fit]",
    ),
}


@pytest.mark.parametrize("name", GOOD)
def test_accepted_formats_are_recognized_by_content(name):
    # when
    result = validate_upload(name=name, data=GOOD[name])
    # then
    expected = {
        "contratto.pdf": ("application/pdf", "contratto.pdf"),
        "foto.jpg": ("image/jpeg", "foto.jpg"),
        "scansione.png": ("image/png", "scansione.png"),
        "fax.tiff": ("image/tiff", "fax.tif"),
        "firmato.pdf.p7m": ("application/pkcs7-mime", "firmato.pdf.p7m"),
    }[name]
    assert (result.content_type, result.name) == expected
    assert len(result.sha256) == 64


@pytest.mark.parametrize("name", GOOD_PDFS)
def test_ordinary_pdfs_pass_the_parser(name):
    # when
    result = validate_upload(name=name, data=GOOD_PDFS[name])
    # then
    assert result.content_type == "application/pdf"


@pytest.mark.django_db
def test_the_pdfs_polis_generates_and_signs_pass(collaborator_a):
    # given: a contract rendered by WeasyPrint, as issuing a practice does, and its signed copy
    quote = quotes.create_quote(
        actor=collaborator_a,
        client=ClientFactory(created_by=collaborator_a),
        product=demo_product("RCP"),
        answers=ARCHITECT,
        effective_date=timezone.localdate(),
    )
    practice = practices.convert_quote(actor=collaborator_a, quote=quote)
    practice = practices.issue_practice(actor=collaborator_a, practice=practice)
    contract = practice.contract.file.read()
    signed, _timestamped = sign_pdf(contract, stamp_text="Firmato", reason="Prova")
    # when / then
    for data in (contract, signed):
        assert validate_upload(name="contratto.pdf", data=data).content_type == "application/pdf"


def test_a_misnamed_file_gets_the_extension_of_its_real_type():
    # when
    result = validate_upload(name="documento.exe", data=GOOD["foto.jpg"])
    # then
    assert result.name == "documento.jpg"


def hostile_corpus():
    """Yield (label, name, data) for at least 1000 hostile uploads."""
    pdf = GOOD["contratto.pdf"]
    # Wrong magic bytes: executables, archives, scripts, office files, each under many names.
    payloads = {
        "exe": b"MZ\x90\x00" + b"\x00" * 200,
        "elf": b"\x7fELF\x02\x01\x01" + b"\x00" * 200,
        "zip": b"PK\x03\x04" + b"\x00" * 200,
        "rar": b"Rar!\x1a\x07\x00" + b"\x00" * 100,
        "gz": b"\x1f\x8b\x08" + b"\x00" * 100,
        "html": b"<html><script>alert(1)</script></html>",
        "svg": b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        "sh": b"#!/bin/sh\nrm -rf /\n",
        "doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200,
        "gif": b"GIF89a" + b"\x00" * 50,
        "txt": b"Contratto di assicurazione",
        "bmp": b"BM" + b"\x00" * 100,
        "bad-der": b"\x30\x82\x01\x00" + b"\x01" * 256,
        "truncated-pdf": pdf[: len(pdf) // 2],
        "broken-jpeg": b"\xff\xd8\xff\xe0" + b"\x00" * 100 + b"\xff\xd9",
        "broken-png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 100,
    }
    names = [
        "contratto.pdf",
        "foto.jpg",
        "scan.png",
        "doc.tif",
        "firmato.p7m",
        "file",
        "CONTRATTO.PDF",
        "a.pdf.exe",
        "x.jpeg",
        "y.tiff",
    ]
    for (label, data), name in itertools.product(payloads.items(), names):
        yield f"magic-{label}", name, data
    # PDFs with active content, plain, with #-escaped names, and inside compressed streams.
    actions = [
        b"/JavaScript",
        b"/JS",
        b"/Launch",
        b"/EmbeddedFiles",
        b"/EmbeddedFile",
        b"/RichMedia",
        b"/XFA",
        b"/SubmitForm",
        b"/ImportData",
        b"/GoToR",
        b"/AA",
    ]

    def escape(name: bytes, step: int) -> bytes:
        return b"/" + b"".join(
            b"#%02X" % byte if i % step == 0 else bytes([byte]) for i, byte in enumerate(name[1:])
        )

    for action in actions:
        for variant, token in [
            ("plain", action),
            ("escaped1", escape(action, 1)),
            ("escaped2", escape(action, 2)),
            ("escaped3", escape(action, 3)),
        ]:
            obj = b"4 0 obj << /S " + token + b" (app.alert(1)) >> endobj"
            yield f"pdf-active-{variant}", "contratto.pdf", pdf_bytes(obj)
            stream = zlib.compress(b"<< /OpenAction << /S " + token + b" >> >>")
            compressed = (
                b"5 0 obj << /Type /ObjStm /Filter /FlateDecode /Length %d >>\nstream\n"
                % len(stream)
                + stream
                + b"\nendstream endobj"
            )
            yield f"pdf-active-compressed-{variant}", "contratto.pdf", pdf_bytes(compressed)
    # Active content in a real object stream, under filters a single zlib pass does not undo.
    hidden_actions = [
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /JavaScript /JS (alert(1)) >> >>",
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /J#61vaScript /J#53 (x) >> >>",
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /Launch /F (cmd.exe) >> >>",
        b"<< /Type /Annot /Subtype /Widget /Rect [0 0 9 9] /AA << /O << /S /GoTo /D [3 0 R] >>>>>>",
        b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 9 9] >>",
        b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 9 9] /FS << /EF << /F 9 0 R >> >> "
        b"/Contents (x) /Name /EmbeddedFile >>",
        b"<< /Type /Annot /Subtype /Widget /Rect [0 0 9 9] /XFA [(template) 3 0 R] >>",
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /SubmitForm /F (http://x) >> >>",
    ]
    filter_chains = [
        [b"/FlateDecode", b"/FlateDecode"],
        [b"/ASCIIHexDecode"],
        [b"/ASCIIHexDecode", b"/FlateDecode"],
        [b"/ASCII85Decode", b"/FlateDecode"],
        [b"/RunLengthDecode"],
        [b"/FlateDecode", b"/ASCIIHexDecode", b"/FlateDecode"],
    ]
    for hidden, filters in itertools.product(hidden_actions, filter_chains):
        yield (
            "pdf-objstm-" + "-".join(f.decode()[1:] for f in filters),
            "c.pdf",
            objstm_pdf(hidden, filters),
        )
    # An action run on opening, whatever it does.
    harmless = b"<< /Type /Annot /Subtype /Text /Rect [0 0 9 9] /Contents (nota) >>"
    for action in [b"<< /S /JavaScript /JS (x) >>", b"<< /S /GoTo /D [3 0 R /Fit] >>", b"4 0 R"]:
        yield (
            "pdf-open-action",
            "c.pdf",
            objstm_pdf(
                harmless, [b"/FlateDecode", b"/FlateDecode"], catalog_extra=b"/OpenAction " + action
            ),
        )
    # Encrypted (with and without a user password) and unparseable PDFs.
    for password in ("", "segreta"):
        yield (
            "pdf-encrypted",
            "c.pdf",
            pikepdf_bytes(encryption=pikepdf.Encryption(owner="proprietario", user=password)),
        )
    yield "pdf-unparseable", "c.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 4 + b"\n%%EOF\n"
    # A stream that cannot be decoded hides what it holds.
    yield (
        "pdf-undecodable",
        "c.pdf",
        objstm_pdf(harmless, [b"/FlateDecode"]).replace(
            b"/Filter [/FlateDecode]", b"/Filter [/LZWDecode]"
        ),
    )
    # Polyglots: data of another format appended or embedded.
    tails = [
        b"PK\x03\x04" + b"\x00" * 30,
        b"<html><script>alert(1)</script>",
        b"<svg onload=alert(1)>",
        b"MZ\x90\x00garbage",
        b"#!/bin/sh\n",
    ]
    for tail, (name, good) in itertools.product(tails, GOOD.items()):
        if name.endswith(".p7m"):
            continue
        yield "polyglot-tail", name, good + tail
        yield "polyglot-double-tail", name, good + tail + tail
    for tail in tails:
        yield "polyglot-inside-pdf", "contratto.pdf", pdf_bytes(b"% " + tail)
    # Decompression bombs: a zip bomb under a document name, and a Flate bomb inside a PDF.
    bomb = zlib.compress(b"\x00" * (60 * 1024 * 1024), 9)
    for name in names:
        yield "zip-bomb", name, b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bomb
    yield (
        "pdf-flate-bomb",
        "contratto.pdf",
        pdf_bytes(
            b"6 0 obj << /Filter /FlateDecode /Length %d >>\nstream\n" % len(bomb)
            + bomb
            + b"\nendstream endobj"
        ),
    )
    # Pixel bombs: a tiny file announcing a gigantic image.
    yield "pixel-bomb", "bomba.png", image_bytes("PNG", size=(10000, 10000))
    # Deceptive names on perfectly good content.
    bad_names = [
        "../../etc/passwd.pdf",
        "..\\..\\boot.ini.pdf",
        "/etc/shadow.pdf",
        "contratto\u202efdp.exe",
        "fattura\u202egpj.exe",
        "doc\u2066x\u2069.pdf",
        "nome\x00.pdf",
        "riga\nnuova.pdf",
        "tab\t.pdf",
        "cartella/file.pdf",
        "a\\b.pdf",
        "..pdf",
        "x\u200f.pdf",
        "y\u061c.pdf",
        "\x1b[31m.pdf",
    ]
    for bad_name, good in itertools.product(bad_names, GOOD.values()):
        yield "deceptive-name", bad_name, good
    # Empty and oversize files.
    for name in names:
        yield "empty", name, b""
    yield "oversize", "grande.pdf", pdf + b"%" + b"0" * (21 * 1024 * 1024)
    # Random-looking junk under every accepted name, at many lengths.
    for length, name in itertools.product(range(1, 71), names):
        yield "junk", name, bytes((i * 37 + length) % 256 for i in range(length * 7))


CORPUS = list(hostile_corpus())


def test_the_hostile_corpus_is_large_enough():
    assert len(CORPUS) >= 1000


@pytest.mark.django_db
def test_every_hostile_upload_is_refused_with_a_message_and_nothing_is_stored():
    # when
    accepted, refusals = [], set()
    for label, name, data in CORPUS:
        try:
            store_upload(actor=None, name=name, data=data)
        except DomainError as error:
            refusals.add((error.field, error.message))
        else:
            accepted.append((label, name))
    # then
    assert accepted == []
    assert not StoredFile.objects.exists()
    assert {field for field, _message in refusals} == {"file"}
    assert all(message.endswith(".") and len(message) > 15 for _field, message in refusals)


@pytest.mark.django_db
def test_a_good_upload_is_stored_under_an_opaque_path(settings):
    # when
    stored = store_upload(
        actor=None, name="Mario Rossi - carta identità.jpg", data=GOOD["foto.jpg"]
    )
    # then
    assert stored.name == "Mario Rossi - carta identit_.jpg" or stored.name.endswith(".jpg")
    assert "Rossi" not in stored.file.name
    assert stored.file.read() == GOOD["foto.jpg"]
