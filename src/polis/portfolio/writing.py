"""Writing CSV and XLSX files in the template's layout (the template itself, the export, the
dry-run report) with the csv module and openpyxl's write-only mode. Text that a spreadsheet
would run as a formula is escaped with a leading quote (the import reads it back)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from polis.core.exports import Echo
from polis.portfolio.checking import is_formula


def cell_text(value: object) -> str:
    """A value as the file shows it: dates gg/mm/aaaa, amounts 1234,56, formulas escaped."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return format(value.quantize(Decimal("0.01")), "f").replace(".", ",")
    text = str(value)
    return "'" + text if is_formula(text) else text


def csv_lines(header: list[str], rows: Iterable[Iterable[object]]) -> Iterator[bytes]:
    """A CSV for Italian Excel (UTF-8 with BOM, «;»), one line at a time (for streaming)."""
    writer = csv.writer(Echo(), delimiter=";")
    yield ("\ufeff" + writer.writerow(header)).encode()
    for row in rows:
        yield writer.writerow([cell_text(value) for value in row]).encode()


def write_xlsx(
    target: IO[bytes], header: list[str], rows: Iterable[Iterable[object]], *, title: str
) -> None:
    """An XLSX of text cells (never formulas), written row by row."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])

    def text_cell(value: object) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=cell_text(value))
        cell.data_type = "s"  # a string, even if it starts with "="
        return cell

    sheet.append([text_cell(name) for name in header])
    for row in rows:
        sheet.append([text_cell(value) for value in row])
    workbook.save(target)
