"""CSV and Excel downloads of a list the caller has already scoped to the user."""

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.formats import number_format
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

FORMATS = ("csv", "xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell starting with one of these is a formula to spreadsheet programs (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return number_format(value, 2)
    return _safe(str(value))


class Echo:
    """A file whose `write` returns the line: a csv.writer that yields lines to stream."""

    def write(self, value: str) -> str:
        return value


def _csv(headers: Sequence[str], rows: Iterable[Sequence], name: str) -> StreamingHttpResponse:
    # Italian spreadsheets expect ";" and a decimal comma; the BOM makes Excel read UTF-8.
    writer = csv.writer(Echo(), delimiter=";")

    def lines():
        yield "\ufeff" + writer.writerow(headers)
        for row in rows:
            yield writer.writerow([_csv_value(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _xlsx(headers: Sequence[str], rows: Iterable[Sequence], name: str) -> HttpResponse:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(name[:31])
    sheet.append(headers)
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, str):
                value = _safe(value)
            if isinstance(value, datetime):
                value = value.replace(tzinfo=None)
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, date):
                cell.number_format = "DD/MM/YYYY"
            elif isinstance(value, Decimal):
                cell.number_format = "#,##0.00"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


def export_response(
    *, fmt: str, name: str, headers: Sequence[str], rows: Iterable[Sequence]
) -> HttpResponse:
    """A CSV (streamed) or Excel file of `rows`; `name` is the file name without extension.

    Text that a spreadsheet would run as a formula is prefixed with an apostrophe.
    """
    if fmt == "xlsx":
        return _xlsx(headers, rows, name)
    return _csv(headers, rows, name)
