"""Reading an uploaded portfolio file with the csv module or openpyxl (read-only), refusing
hostile files before they are parsed: wrong type, unknown text encoding, zip bombs, too many
rows, columns or characters. Rows come one at a time, as {column: text}: memory stays bounded
whatever the file's size."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import IO, NamedTuple

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from polis.core.errors import DomainError
from polis.core.exports import XLSX
from polis.portfolio.columns import NAMES, REQUIRED

CSV_CONTENT_TYPE = "text/csv"
# Parts every XLSX workbook has: a ZIP without them (a .docx, a renamed archive) is refused.
_XLSX_PARTS = {"[Content_Types].xml", "xl/workbook.xml"}
_ENCODINGS = ("utf-8-sig", "cp1252")
# The key of what a row holds beyond the header's columns (an error of that row).
EXTRA = "_oltre"


class FileRefused(DomainError):
    """The whole file is refused (nothing of it is read further), with the reason."""

    def __init__(self, message: str):
        super().__init__(message, field="file")


class Sniffed(NamedTuple):
    format: str  # "csv" or "xlsx"
    encoding: str  # a CSV's text encoding
    content_type: str


def _check_zip(data: bytes) -> None:
    """An XLSX is a ZIP: refuse one whose declared uncompressed size or compression ratio
    (a zip bomb), number of parts or missing workbook says it is not a plain spreadsheet —
    from its central directory, before anything is decompressed."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise FileRefused(_("Il file non è un XLSX valido: salvalo di nuovo da Excel.")) from None
    with archive:
        members = archive.infolist()
        if len(members) > settings.PORTFOLIO_XLSX_MAX_PARTS:
            raise FileRefused(_("Il file XLSX contiene troppe parti: non è un foglio semplice."))
        if not _XLSX_PARTS <= {member.filename for member in members}:
            raise FileRefused(_("Il file non è un foglio Excel (XLSX): salvalo come .xlsx."))
        total = sum(member.file_size for member in members)
        packed = sum(member.compress_size for member in members)
        if total > settings.PORTFOLIO_XLSX_MAX_UNCOMPRESSED or any(
            member.file_size > settings.PORTFOLIO_XLSX_MAX_RATIO * max(member.compress_size, 1)
            for member in members
        ):
            raise FileRefused(
                _("Il file XLSX si espande oltre i limiti (%(ratio)s:1 o %(mb)s MB): rifiutato.")
                % {
                    "ratio": settings.PORTFOLIO_XLSX_MAX_RATIO,
                    "mb": settings.PORTFOLIO_XLSX_MAX_UNCOMPRESSED // 2**20,
                }
            )
        if packed > len(data):
            raise FileRefused(_("Il file non è un XLSX valido: salvalo di nuovo da Excel."))


def _encoding(data: bytes) -> str:
    if b"\x00" in data:
        raise FileRefused(
            _("Il file non è un CSV di testo (forse UTF-16 o binario): salvalo come CSV UTF-8.")
        )
    for encoding in _ENCODINGS:
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    raise FileRefused(
        _("Codifica del testo non riconosciuta: salva il file come «CSV UTF-8» o CSV di Windows.")
    )


def sniff_file(name: str, data: bytes) -> Sniffed:
    """Recognise the file by its content (never by its name): an XLSX (a ZIP with a workbook
    inside, within the size limits) or a CSV in UTF-8 (with or without a BOM) or Windows-1252.
    FileRefused with the reason otherwise."""
    if not data:
        raise FileRefused(_("Il file è vuoto."))
    if len(data) > settings.PORTFOLIO_IMPORT_MAX_BYTES:
        raise FileRefused(
            _("Il file supera %(mb)s MB: dividilo in più file.")
            % {"mb": settings.PORTFOLIO_IMPORT_MAX_BYTES // 2**20}
        )
    if data.startswith(b"PK\x03\x04"):
        _check_zip(data)
        return Sniffed("xlsx", "", XLSX)
    if name.lower().endswith((".xlsx", ".xlsm", ".xls")):
        raise FileRefused(_("Il file ha il nome di un foglio Excel ma non lo è: rifiutato."))
    if data.startswith((b"%PDF", b"\xd0\xcf\x11\xe0", b"\x7fELF", b"MZ")):
        raise FileRefused(_("Il file non è un CSV né un XLSX."))
    return Sniffed("csv", _encoding(data), CSV_CONTENT_TYPE)


def _header(cells: list[str]) -> list[str]:
    names = [cell.strip().lower().lstrip("\ufeff") for cell in cells]
    while names and not names[-1]:
        names.pop()
    if len(names) > settings.PORTFOLIO_IMPORT_MAX_COLUMNS:
        raise FileRefused(
            _("Il file ha più di %(count)s colonne.")
            % {"count": settings.PORTFOLIO_IMPORT_MAX_COLUMNS}
        )
    unknown = [name for name in names if name not in NAMES]
    if unknown:
        raise FileRefused(
            _("Colonne sconosciute: %(names)s. Usa il modello scaricabile.")
            % {"names": ", ".join(name[:30] for name in unknown[:5])}
        )
    if len(set(names)) != len(names):
        raise FileRefused(_("Una colonna compare due volte nell'intestazione."))
    missing = sorted(REQUIRED - set(names))
    if missing:
        raise FileRefused(
            _("Mancano le colonne obbligatorie: %(names)s.") % {"names": ", ".join(missing)}
        )
    return names


def _text(value: object) -> str:
    """A spreadsheet cell as the text the import checks: dates as gg/mm/aaaa, numbers in
    digits (a dot for decimals), text as it is."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    return str(value)


def _rows(header: list[str], rows: Iterator[list[str]]) -> Iterator[tuple[int, dict[str, str]]]:
    limit = settings.PORTFOLIO_IMPORT_MAX_ROWS
    for number, cells in enumerate(rows, start=2):
        if not any(cell.strip() for cell in cells):
            continue  # a blank line
        if number - 1 > limit:
            raise FileRefused(
                _("Il file ha più di %(count)s righe: dividilo in più file.") % {"count": limit}
            )
        row = dict(zip(header, (cell.strip() for cell in cells), strict=False))
        extra = " ".join(cell.strip() for cell in cells[len(header) :]).strip()
        if extra:
            row[EXTRA] = extra[:100]
        yield number, row


def _csv_rows(stream: IO[bytes], encoding: str) -> Iterator[tuple[int, dict[str, str]]]:
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    sample = text.read(64 * 1024)
    text.seek(0)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            sample.split("\n", 1)[0], delimiters=";,\t"
        )
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(text, dialect)
    try:
        header = _header(next(reader, []))
        yield from _rows(header, reader)
    except csv.Error as error:
        raise FileRefused(
            _("Il CSV non si legge alla riga %(line)s: %(error)s")
            % {"line": reader.line_num, "error": str(error)[:100]}
        ) from None


def _xlsx_rows(stream: IO[bytes]) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        workbook = load_workbook(stream, read_only=True, data_only=False, keep_links=False)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise FileRefused(_("Il file XLSX è danneggiato e non si legge.")) from error
    try:
        sheet = workbook.worksheets[0]
        width = settings.PORTFOLIO_IMPORT_MAX_COLUMNS + 1
        rows = (
            [_text(value) for value in row]
            for row in sheet.iter_rows(max_col=width, values_only=True)
        )
        header = _header(next(rows, []))
        yield from _rows(header, rows)
    finally:
        workbook.close()


def read_rows(stream: IO[bytes], *, format: str, encoding: str = "") -> Iterator[tuple[int, dict]]:
    """The file's rows after its header, one at a time: (row number as a spreadsheet shows it,
    {column: text}). FileRefused when the header or the file's shape is refused."""
    if format == "xlsx":
        return _xlsx_rows(stream)
    return _csv_rows(stream, encoding)
