"""Portfolio files for the tests: rows in the template's layout, as CSV or XLSX bytes."""

import csv
import io
from datetime import timedelta

from django.utils import timezone
from openpyxl import Workbook
from stdnum.it import codicefiscale

from polis.devdata.catalog import ARCHITECT_EXAMPLE
from polis.portfolio.columns import NAMES


def person_cf(n: int) -> str:
    base = f"BNCLRA80A41Z{n % 1000:03d}"  # a woman born abroad on 1/1/1980
    return base + codicefiscale.calc_check_digit(base)


def row(n: int = 1, **overrides) -> dict[str, str]:
    """A good policy row of the demo RCP product (an architect), ending in 30 days."""
    end = timezone.localdate() + timedelta(days=30)
    start = end.replace(year=end.year - 1)
    return {
        "tipo_cliente": "PF",
        "cognome": "Bianchi",
        "nome": "Laura",
        "ragione_sociale": "",
        "codice_fiscale": person_cf(n),
        "partita_iva": "",
        "data_nascita": "01/01/1980",
        "sesso": "F",
        "email": f"laura{n}@example.it",
        "cellulare": "+39 333 1234567",
        "pec": "",
        "indirizzo": "Via Roma 1",
        "cap": "00100",
        "comune": "Roma",
        "provincia": "RM",
        "compagnia": "D999",
        "prodotto": "RCP",
        "numero_polizza": f"VEC-{n:06d}",
        "decorrenza": start.strftime("%d/%m/%Y"),
        "scadenza": end.strftime("%d/%m/%Y"),
        "premio_lordo": "1.180,50",
        "risposte": " | ".join(f"{k}={v}" for k, v in ARCHITECT_EXAMPLE.items()),
    } | overrides


def csv_bytes(rows, *, delimiter=";", encoding="utf-8-sig", header=NAMES) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    for r in rows:
        writer.writerow([r.get(name, "") for name in header])
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows, *, header=NAMES) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for r in rows:
        sheet.append([r.get(name, "") for name in header])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
