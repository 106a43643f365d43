"""Upload validation: good files pass; a generated corpus of 1000+ hostile uploads is refused."""

import datetime
import io
import itertools
import zlib

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID
from PIL import Image

from polis.core.errors import DomainError
from polis.documents.models import StoredFile
from polis.documents.services import store_upload
from polis.documents.validation import validate_upload


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


GOOD = {
    "contratto.pdf": pdf_bytes(),
    "foto.jpg": image_bytes("JPEG"),
    "scansione.png": image_bytes("PNG"),
    "fax.tiff": image_bytes("TIFF"),
    "firmato.pdf.p7m": p7m_bytes(),
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
