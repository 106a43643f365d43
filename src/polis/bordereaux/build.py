"""A bordereau's rows, their mandatory-field check and its files (XLSX and CSV), in one pass:
rows are read in chunks and streamed to the files, so a large month never sits in memory."""

import csv
import datetime
import hashlib
import io
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from polis.accounting.money import commission_on
from polis.bordereaux.models import Binder, Bordereau, last_day_of
from polis.bordereaux.standards import (
    ENDORSEMENT,
    STANDARDS,
    ClaimLine,
    Column,
    Format,
    RiskLine,
)
from polis.catalog.models import Insurer
from polis.catalog.selectors import mga_commission_rates, sum_insured, tax_rates
from polis.claims.models import Claim
from polis.claims.selectors import claims_for_bordereau
from polis.core.exports import XLSX
from polis.documents.validation import ValidatedFile
from polis.practices.models import Endorsement, Practice
from polis.practices.selectors import (
    endorsements_effective_between,
    policies_cancelled_between,
    policies_issued_between,
)

CSV = "text/csv"
CHUNK = 2000
# Cells listed on the page; the downloadable report lists them all.
SAMPLE = 200

C = Claim.Status
# CR0105's values (v5.2 user guide p. 24) for polis' claim statuses.
CLAIM_STATUS = {
    C.OPENED: "Open",
    C.DOCS_MISSING: "Open",
    C.ASSIGNED: "Open",
    C.INVESTIGATION: "Open",
    C.OFFER_RECEIVED: "Open",
    C.ACCEPTED: "Open - Amount agreed",
    C.PAID: "Open - Claim and fees paid",
    C.CLOSED: "Closed",
    C.REJECTED: "Closed",
    C.CLOSED_WITHOUT_PAYMENT: "Closed",
    C.REOPENED: "Re-opened",
}
ZERO = Decimal("0.00")


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[start, end) of the month in Italian time, as aware datetimes."""
    rome = ZoneInfo(settings.TIME_ZONE)
    following = last_day_of(month) + datetime.timedelta(days=1)
    return (
        datetime.datetime.combine(month, datetime.time(), tzinfo=rome),
        datetime.datetime.combine(following, datetime.time(), tzinfo=rome),
    )


def risk_lines(binder: Binder, month: datetime.date, last_day: datetime.date) -> Iterator[RiskLine]:
    """The month's written policies (new business, renewals), then its variazioni with their
    additional or return premium (effective in the month), then its cancellations."""
    start, end = month_bounds(month)
    written = policies_issued_between(insurer_id=binder.insurer_id, start=start, end=end)
    endorsed = endorsements_effective_between(insurer_id=binder.insurer_id, start=start, end=end)
    cancelled = policies_cancelled_between(insurer_id=binder.insurer_id, start=start, end=end)
    coverages: dict[int, list] = {}
    rates: dict[int, Decimal] = {}
    mga_rates: dict[int, Decimal] = {}

    def line(
        practice: Practice,
        transaction: str,
        effective: datetime.date,
        sign: int,
        endorsement: Endorsement | None = None,
    ) -> RiskLine:
        """The practice's line; a variazione's carries its own difference (its sign) and the
        answers it put in force, paid at once."""
        if practice.product_id not in coverages:
            coverages[practice.product_id] = list(practice.product.coverages.all())
        if practice.tariff_id not in rates:
            rates.update(tax_rates({practice.tariff_id}))
            mga_rates.update(mga_commission_rates({practice.tariff_id}))
        client = practice.client
        net = abs(endorsement.difference_net) if endorsement else practice.net
        return RiskLine(
            binder=binder,
            first_day=month,
            last_day=last_day,
            policy_number=practice.policy_number or "",
            insured_name=client.display_name,
            insured_tax_code=client.tax_id,
            insured_province=client.province,
            product=practice.product.name,
            inception=practice.effective_date,
            expiry=practice.end_date,
            transaction=transaction,
            effective=effective,
            sign=sign,
            premium=net,
            taxes=abs(endorsement.difference_tax) if endorsement else practice.tax,
            commission=commission_on(net, mga_rates[practice.tariff_id]),
            tax_rate=rates.get(practice.tariff_id),
            instalments=1 if endorsement else len(practice.instalments),
            sum_insured=sum_insured(
                coverages[practice.product_id],
                endorsement.answers if endorsement else practice.answers,
            ),
        )

    for practice in written.iterator(chunk_size=CHUNK):
        kind = "Renewal" if practice.renewal_of_id else "New Business"
        yield line(practice, kind, timezone.localtime(practice.issued_at).date(), 1)
    for endorsement in endorsed.iterator(chunk_size=CHUNK):
        sign = -1 if endorsement.to_refund else 1
        yield line(endorsement.practice, ENDORSEMENT, endorsement.effective_date, sign, endorsement)
    for practice in cancelled.iterator(chunk_size=CHUNK):
        yield line(practice, "Cancellation", timezone.localtime(practice.cancelled_at).date(), -1)


def claim_lines(
    binder: Binder, month: datetime.date, last_day: datetime.date
) -> Iterator[ClaimLine]:
    """The claims notified or paid in the month and those still outstanding; paid amounts and
    reserves as polis knows them when the bordereau is generated."""
    claims = claims_for_bordereau(insurer_id=binder.insurer_id, first_day=month, last_day=last_day)
    for claim in claims.iterator(chunk_size=CHUNK):
        paid = claim.paid_amount if claim.paid_on and claim.paid_on <= last_day else None
        paid_now = paid if paid is not None and claim.paid_on >= month else ZERO
        reserve = (
            ZERO if paid is not None or not claim.is_open else (claim.estimated_amount or ZERO)
        )
        yield ClaimLine(
            binder=binder,
            first_day=month,
            last_day=last_day,
            claim_number=claim.number,
            insurer_claim_number=claim.insurer_claim_number,
            policy_number=claim.practice.policy_number or "",
            insured_name=claim.client.display_name,
            insured_tax_code=claim.client.tax_id,
            status=CLAIM_STATUS[claim.status],
            loss_date=claim.event_date,
            advised_date=claim.reported_on,
            paid_this_month=paid_now,
            previously_paid=paid - paid_now if paid is not None else ZERO,
            reserve=reserve,
        )


def _is_missing(value) -> bool:
    return value is None or value == ""


def _csv_value(value, fmt: Format) -> str:
    if _is_missing(value):
        return ""
    if fmt is Format.DATE:
        return value.strftime("%d/%m/%Y")
    if fmt in (Format.AMOUNT, Format.PERCENT):
        return f"{Decimal(value):.2f}"
    return str(value)


NUMBER_FORMATS = {Format.DATE: "DD/MM/YYYY", Format.AMOUNT: "0.00", Format.PERCENT: "0.00"}


@dataclass
class Result:
    """What a generation produced: the files, the row count and the missing mandatory cells."""

    rows: int = 0
    missing_by_column: Counter = field(default_factory=Counter)
    missing_sample: list = field(default_factory=list)
    files: dict[str, ValidatedFile] = field(default_factory=dict)

    @property
    def missing(self) -> int:
        return sum(self.missing_by_column.values())


def _validated(name: str, content_type: str, content: bytes) -> ValidatedFile:
    return ValidatedFile(
        name=name,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )


def render(columns: tuple[Column, ...], lines: Iterable, *, name: str) -> Result:
    """Check and write the lines: an XLSX (write-only, streamed to a temporary file), a CSV and,
    when mandatory cells are empty, the report of each one (row, reference, column)."""
    result = Result()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Bordereau")
    sheet.append([column.title for column in columns])
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow([column.title for column in columns])
    report = io.StringIO()
    report_writer = csv.writer(report)
    report_writer.writerow(["Riga", "Riferimento", "Codice", "Colonna"])
    mandatory = [(index, column) for index, column in enumerate(columns) if column.mandatory]
    for number, line in enumerate(lines, start=2):  # row 1 holds the headers
        values = [column.fill(line) for column in columns]
        for index, column in mandatory:
            if _is_missing(values[index]):
                cell = [number, line.reference, column.code, column.header]
                result.missing_by_column[column.code] += 1
                report_writer.writerow(cell)
                if len(result.missing_sample) < SAMPLE:
                    result.missing_sample.append(cell)
        writer.writerow([_csv_value(v, c.format) for v, c in zip(values, columns, strict=True)])
        sheet.append([_xlsx_cell(sheet, v, c.format) for v, c in zip(values, columns, strict=True)])
        result.rows += 1
    with tempfile.TemporaryFile() as stream:
        workbook.save(stream)
        stream.seek(0)
        result.files["xlsx"] = _validated(f"{name}.xlsx", XLSX, stream.read())
    result.files["csv"] = _validated(f"{name}.csv", CSV, text.getvalue().encode())
    if result.missing:
        content = report.getvalue().encode()
        result.files["report"] = _validated(f"{name}-campi-mancanti.csv", CSV, content)
    return result


def _xlsx_cell(sheet, value, fmt: Format):
    if _is_missing(value) or fmt not in NUMBER_FORMATS:
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = NUMBER_FORMATS[fmt]
    return cell


def build(insurer: Insurer, month: datetime.date, kind: str) -> Result:
    """The bordereau of `kind` for the insurer's month, checked and written."""
    binder = Binder.objects.filter(insurer=insurer).first() or Binder(insurer=insurer)
    lines = (risk_lines if kind == Bordereau.Kind.RISK else claim_lines)(
        binder, month, last_day_of(month)
    )
    name = f"bordereau-{kind}-{insurer.ivass_code}-{month:%Y-%m}"
    return render(STANDARDS[kind], lines, name=name)
