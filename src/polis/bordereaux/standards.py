"""The bordereaux' layouts: Lloyd's Coverholder Reporting Standards v5.2, risk/premium and
claims, one column map each.

Every column has its CRS code, its header, whether the standard makes it mandatory and how polis
fills it from one line of the bordereau. Codes, names and the mandatory sets come from
/work/shared/domain/money-brief.md §4 (a public v5.2 implementation for risk/premium; the v5.2
user guide pp. 22–24 for claims). The official grid (LMG Market Business Glossary) was not
obtained: check it against the managing agent's workbook before claiming compliance. Columns
whose code the brief does not give carry `code=None` and are never mandatory.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from polis.bordereaux.models import Binder

HUNDRED = Decimal(100)
# CR0022's value for a mid-term change of the policy (a variazione).
ENDORSEMENT = "Endorsement"
EURO = "EUR"  # every amount polis holds is in euro


class Format(StrEnum):
    TEXT = "text"
    DATE = "date"  # DD/MM/YYYY
    AMOUNT = "amount"  # two decimals, point separator
    PERCENT = "percent"  # 15.00 for 15 %
    INTEGER = "integer"


@dataclass(frozen=True)
class Column:
    code: str | None
    header: str
    mandatory: bool
    fill: Callable[[Any], Any]
    format: Format = Format.TEXT

    @property
    def title(self) -> str:
        """The header cell: "CR0005 UMR", as the standard's workbooks head their columns."""
        return f"{self.code} {self.header}" if self.code else self.header


@dataclass(frozen=True)
class RiskLine:
    """One movement of a policy in the month: written (new business or renewal) or cancelled."""

    binder: Binder
    first_day: datetime.date
    last_day: datetime.date
    policy_number: str
    insured_name: str
    insured_tax_code: str
    insured_province: str
    product: str
    inception: datetime.date
    expiry: datetime.date
    transaction: str  # CR0022: "New Business", "Renewal", "Endorsement", "Cancellation"
    effective: datetime.date  # of the transaction
    sign: int  # -1 for a return premium
    premium: Decimal  # before taxes: the premium split's net
    taxes: Decimal
    # The coverholder's commission (CR0061/CR0062): the MGA's own, its collaborators' included.
    commission: Decimal
    tax_rate: Decimal | None
    instalments: int
    sum_insured: Decimal | None

    @property
    def reference(self) -> str:
        return self.policy_number

    @property
    def premium_type(self) -> str:
        """CR0056: original premium, additional premium of an endorsement, or returned."""
        if self.sign < 0:
            return "Return Premium"
        return "Additional Premium" if self.transaction == ENDORSEMENT else "Original Premium"

    @property
    def commission_percent(self) -> Decimal | None:
        return (
            (self.commission / self.premium * HUNDRED).quantize(Decimal("0.01"))
            if self.premium
            else None
        )

    @property
    def net_to_insurer(self) -> Decimal:
        return self.sign * (self.premium - self.commission)

    @property
    def instalment_basis(self) -> str:
        return INSTALMENT_BASIS.get(self.instalments, f"{self.instalments} per year")


INSTALMENT_BASIS = {1: "Single", 2: "Half-Yearly", 4: "Quarterly", 12: "Monthly"}


def _binder(attribute: str) -> Callable[[Any], Any]:
    return lambda line: getattr(line.binder, attribute)


def _settlement_rate(line) -> Decimal | None:
    return Decimal(1) if line.binder.settlement_currency == EURO else None


def _settlement_net(line) -> Decimal | None:
    return line.net_to_insurer if line.binder.settlement_currency == EURO else None


RISK_PREMIUM = (
    Column("CR0001", "Reporting Period Start Date", True, lambda line: line.first_day, Format.DATE),
    Column("CR0002", "Reporting Period End Date", True, lambda line: line.last_day, Format.DATE),
    Column("CR0005", "UMR", True, _binder("umr")),
    Column("CR0006", "Agreement Number", True, _binder("agreement_number")),
    Column(None, "Lead Syndicate", False, _binder("lead_syndicate")),
    Column("CR0010", "Year of Account", True, _binder("year_of_account"), Format.INTEGER),
    Column("CR0013", "Coverholder Name", True, _binder("coverholder_name")),
    Column("CR0014", "Coverholder PIN", True, _binder("coverholder_pin")),
    Column("CR0016", "Risk Code", True, _binder("risk_code")),
    Column("CR0017", "Class of Business", True, _binder("class_of_business")),
    Column("CR0019", "Type of Insurance", True, _binder("type_of_insurance")),
    Column("CR0020", "Original Currency", True, lambda line: EURO),
    Column(
        "CR0021",
        "Total Gross Written Premium",
        True,
        lambda line: line.sign * line.premium,
        Format.AMOUNT,
    ),
    Column("CR0022", "Risk Transaction Type", True, lambda line: line.transaction),
    Column("CR0026", "Policy or Group Reference", True, lambda line: line.policy_number),
    Column("CR0029", "Certificate Reference", True, lambda line: line.policy_number),
    Column("CR0030", "Risk Inception Date", True, lambda line: line.inception, Format.DATE),
    Column("CR0031", "Risk Expiry Date", True, lambda line: line.expiry, Format.DATE),
    Column("CR0035", "Insured Full Name or Company Name", False, lambda line: line.insured_name),
    Column(None, "Insured Tax Code", False, lambda line: line.insured_tax_code),
    Column(None, "Risk Location Country", False, lambda line: "IT"),
    Column(None, "Risk Location Province", False, lambda line: line.insured_province),
    Column(None, "Product", False, lambda line: line.product),
    Column(None, "Sum Insured", False, lambda line: line.sum_insured, Format.AMOUNT),
    Column("CR0056", "Premium Transaction Type", True, lambda line: line.premium_type),
    Column(
        "CR0057", "Effective Date of Transaction", True, lambda line: line.effective, Format.DATE
    ),
    Column("CR0058", "Expiry Date of Transaction", False, lambda line: line.expiry, Format.DATE),
    Column(
        "CR0059",
        "Gross Premium Paid This Time",
        True,
        lambda line: line.sign * line.premium,
        Format.AMOUNT,
    ),
    Column(
        "CR0061",
        "Commission Percentage",
        True,
        lambda line: line.commission_percent,
        Format.PERCENT,
    ),
    Column(
        "CR0062", "Commission Amount", True, lambda line: line.sign * line.commission, Format.AMOUNT
    ),
    Column(
        "CR0064", "Total Taxes and Levies", True, lambda line: line.sign * line.taxes, Format.AMOUNT
    ),
    Column("CR0925", "Total Fee Amount", True, lambda line: Decimal(0), Format.AMOUNT),
    Column(
        "CR0065",
        "Net Premium to London (Original Currency)",
        True,
        lambda line: line.net_to_insurer,
        Format.AMOUNT,
    ),
    Column("CR0066", "Settlement Currency", True, _binder("settlement_currency")),
    Column("CR0067", "Rate of Exchange", True, _settlement_rate, Format.AMOUNT),
    Column(
        "CR0068",
        "Net Premium to London (Settlement Currency)",
        True,
        _settlement_net,
        Format.AMOUNT,
    ),
    Column("CR0077", "Tax 1 Territory", False, lambda line: "IT" if line.taxes else ""),
    Column(
        "CR0078", "Tax 1 Type", False, lambda line: "Insurance Premium Tax" if line.taxes else ""
    ),
    Column(
        "CR0079",
        "Tax 1 Taxable Amount",
        False,
        lambda line: line.sign * line.premium if line.taxes else None,
        Format.AMOUNT,
    ),
    Column(
        "CR0080",
        "Tax 1 Rate",
        False,
        lambda line: line.tax_rate * HUNDRED if line.taxes and line.tax_rate is not None else None,
        Format.PERCENT,
    ),
    Column(
        "CR0083",
        "Tax 1 Amount",
        False,
        lambda line: line.sign * line.taxes if line.taxes else None,
        Format.AMOUNT,
    ),
    Column("CR0288", "Number of Instalments", True, lambda line: line.instalments, Format.INTEGER),
    Column("CR0289", "Instalment Basis", True, lambda line: line.instalment_basis),
    Column("CR1297", "Lloyds Platform", True, _binder("lloyds_platform")),
)


@dataclass(frozen=True)
class ClaimLine:
    """One claim as it stands for the month: notified in it, paid in it, or still outstanding."""

    binder: Binder
    first_day: datetime.date
    last_day: datetime.date
    claim_number: str
    insurer_claim_number: str
    policy_number: str
    insured_name: str
    insured_tax_code: str
    status: str  # one of CR0105's values
    loss_date: datetime.date
    advised_date: datetime.date
    paid_this_month: Decimal
    previously_paid: Decimal
    reserve: Decimal

    @property
    def reference(self) -> str:
        return self.claim_number

    @property
    def total_incurred(self) -> Decimal:
        return self.paid_this_month + self.previously_paid + self.reserve


CLAIMS = (
    Column(
        "CR0001", "Reporting Period Start Date", False, lambda line: line.first_day, Format.DATE
    ),
    Column("CR0002", "Reporting Period End Date", False, lambda line: line.last_day, Format.DATE),
    Column("CR0005", "UMR", False, _binder("umr")),
    Column("CR0013", "Coverholder Name", False, _binder("coverholder_name")),
    Column("CR0026", "Policy or Group Reference", False, lambda line: line.policy_number),
    Column("CR0029", "Certificate Reference", True, lambda line: line.policy_number),
    Column(
        "CR0035",
        "Insured Full Name, Last Name or Company Name",
        True,
        lambda line: line.insured_name,
    ),
    Column(None, "Insured Tax Code", False, lambda line: line.insured_tax_code),
    Column("CR0104", "Claim Reference / Number", True, lambda line: line.claim_number),
    Column(None, "Insurer Claim Reference", False, lambda line: line.insurer_claim_number),
    Column("CR0105", "Claim Status", True, lambda line: line.status),
    Column("CR0119", "Date of Loss (From)", True, lambda line: line.loss_date, Format.DATE),
    Column(
        "CR0136",
        "Date Claim First Advised / Date Claim Made",
        True,
        lambda line: line.advised_date,
        Format.DATE,
    ),
    Column("CR0110", "Settlement Currency", False, lambda line: EURO),
    Column(
        "CR0126",
        "Paid this month - Indemnity",
        False,
        lambda line: line.paid_this_month,
        Format.AMOUNT,
    ),
    Column(
        None, "Previously Paid - Indemnity", False, lambda line: line.previously_paid, Format.AMOUNT
    ),
    Column("CR0130", "Reserve - Indemnity", False, lambda line: line.reserve, Format.AMOUNT),
    Column("CR0155", "Total Incurred", False, lambda line: line.total_incurred, Format.AMOUNT),
)

STANDARDS = {"risk": RISK_PREMIUM, "claims": CLAIMS}
