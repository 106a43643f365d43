"""Which policies and claims a month's bordereau holds, with what figures, and its files."""

import csv
import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from polis.audit.models import AuditEvent
from polis.bordereaux.build import build
from polis.bordereaux.models import Binder, Bordereau
from polis.bordereaux.standards import CLAIMS, RISK_PREMIUM
from polis.bordereaux.tests.support import full_binder
from polis.claims.models import Claim
from polis.claims.tests.support import open_claim_on, policy_in_force
from polis.lifecycle import transition
from polis.practices.models import Endorsement, Practice
from polis.practices.tests.factories import PracticeFactory

ROME = ZoneInfo("Europe/Rome")
JANUARY = datetime.date(2026, 1, 1)
RISK, CLAIMS_KIND = Bordereau.Kind.RISK, Bordereau.Kind.CLAIMS


def _rows(result) -> list[dict]:
    return list(csv.DictReader(io.StringIO(result.files["csv"].content.decode())))


def _issued(collaborator, at: datetime.datetime, **fields) -> Practice:
    return PracticeFactory(
        created_by=collaborator,
        status=Practice.Status.ISSUED,
        effective_date=at.date(),
        issued_at=at,
        **fields,
    )


@pytest.mark.django_db
def test_the_risk_bordereau_holds_the_policies_issued_in_the_month_in_italian_time(collaborator_a):
    # given policies issued around the month's ends, in Italian time
    binder = full_binder()
    first = _issued(collaborator_a, datetime.datetime(2026, 1, 1, 0, 10, tzinfo=ROME))
    last = _issued(collaborator_a, datetime.datetime(2026, 1, 31, 23, 50, tzinfo=ROME))
    _issued(collaborator_a, datetime.datetime(2025, 12, 31, 23, 59, tzinfo=ROME))
    # 23:30 UTC on 31 January is already 1 February in Rome
    _issued(collaborator_a, datetime.datetime(2026, 1, 31, 23, 30, tzinfo=datetime.UTC))
    renewal = _issued(
        collaborator_a, datetime.datetime(2026, 1, 15, 12, tzinfo=ROME), renewal_of=first
    )
    # when January's risk bordereau is built
    rows = _rows(build(binder.insurer, JANUARY, RISK))
    # then it holds exactly the three issued in January, new business and the renewal
    assert [
        (r["CR0026 Policy or Group Reference"], r["CR0022 Risk Transaction Type"]) for r in rows
    ] == [
        (first.policy_number, "New Business"),
        (renewal.policy_number, "Renewal"),
        (last.policy_number, "New Business"),
    ]
    assert {r["CR0001 Reporting Period Start Date"] for r in rows} == {"01/01/2026"}
    assert {r["CR0002 Reporting Period End Date"] for r in rows} == {"31/01/2026"}
    assert rows[2]["CR0057 Effective Date of Transaction"] == "31/01/2026"


@pytest.mark.django_db
def test_a_row_carries_the_premium_split_of_the_practice(collaborator_a):
    # given the architect of the brief: 843,34 € gross in 2 instalments (demo tariff)
    binder = full_binder()
    practice = _issued(collaborator_a, datetime.datetime(2026, 1, 10, 9, tzinfo=ROME))
    # when
    (row,) = _rows(build(binder.insurer, JANUARY, RISK))
    # then premium before taxes, taxes, the coverholder's (MGA's) commission and net to the
    # insurer tie out: the demo tariff's 25 %, the collaborator's 15 % paid out of it
    assert row["CR0059 Gross Premium Paid This Time"] == f"{practice.net:.2f}"
    assert row["CR0064 Total Taxes and Levies"] == f"{practice.tax:.2f}"
    assert practice.net + practice.tax == practice.gross == Decimal("843.34")
    mga = (practice.net * Decimal("0.25")).quantize(Decimal("0.01"))
    assert mga > practice.commission
    assert row["CR0062 Commission Amount"] == f"{mga:.2f}"
    assert row["CR0061 Commission Percentage"] == "25.00"
    assert row["CR0065 Net Premium to London (Original Currency)"] == f"{practice.net - mga:.2f}"
    assert (
        row["CR0068 Net Premium to London (Settlement Currency)"]
        == (row["CR0065 Net Premium to London (Original Currency)"])
    )
    assert row["CR0288 Number of Instalments"] == "2"
    assert row["CR0289 Instalment Basis"] == "Half-Yearly"
    assert row["CR0083 Tax 1 Amount"] == row["CR0064 Total Taxes and Levies"]
    assert row["CR0035 Insured Full Name or Company Name"] == practice.client.display_name
    assert row["Insured Tax Code"] == practice.client.tax_id
    assert row["CR0030 Risk Inception Date"] == practice.effective_date.strftime("%d/%m/%Y")


@pytest.mark.django_db
def test_a_cancellation_is_a_return_premium_in_the_month_it_was_cancelled(collaborator_a, operator):
    # given a policy issued in January and cancelled on 1 February at 00:30 in Rome
    binder = full_binder()
    practice = _issued(collaborator_a, datetime.datetime(2026, 1, 20, 9, tzinfo=ROME))
    transition(practice, Practice.Status.CANCELLED, actor=operator)
    AuditEvent.objects.filter(action="practice.cancelled").update(
        at=datetime.datetime(2026, 1, 31, 23, 30, tzinfo=datetime.UTC)
    )
    # when January's and February's bordereaux are built
    january = _rows(build(binder.insurer, JANUARY, RISK))
    february = _rows(build(binder.insurer, datetime.date(2026, 2, 1), RISK))
    # then January shows it written, February its cancellation with the premium returned
    assert [r["CR0022 Risk Transaction Type"] for r in january] == ["New Business"]
    (row,) = february
    assert row["CR0022 Risk Transaction Type"] == "Cancellation"
    assert row["CR0056 Premium Transaction Type"] == "Return Premium"
    assert row["CR0057 Effective Date of Transaction"] == "01/02/2026"
    assert row["CR0059 Gross Premium Paid This Time"] == f"{-practice.net:.2f}"
    mga = (practice.net * Decimal("0.25")).quantize(Decimal("0.01"))
    assert row["CR0062 Commission Amount"] == f"{-mga:.2f}"


def _effective_endorsement(practice, number, at, *, net, tax, commission) -> Endorsement:
    """An effective variazione with that premium difference, its appendice signed `at`."""
    return Endorsement.objects.create(
        practice=practice,
        number=number,
        effective_date=at.date(),
        previous_answers=practice.answers,
        answers=practice.answers,
        previous_net=practice.net,
        previous_gross=practice.gross,
        net=practice.net + net,
        tax=practice.tax + tax,
        gross=practice.gross + net + tax,
        breakdown=practice.breakdown,
        difference_net=net,
        difference_tax=tax,
        difference_gross=net + tax,
        difference_commission=commission,
        status=Endorsement.Status.EFFECTIVE,
        effective_at=at,
        created_by=practice.created_by,
    )


@pytest.mark.django_db
def test_a_variazione_is_an_endorsement_row_with_its_own_premium_in_the_month_it_took_effect(
    collaborator_a,
):
    # given a policy written in January, raised on 10 February and lowered on 1 March (Rome)
    binder = full_binder()
    practice = _issued(collaborator_a, datetime.datetime(2026, 1, 10, 9, tzinfo=ROME))
    _effective_endorsement(
        practice,
        1,
        datetime.datetime(2026, 2, 10, 9, tzinfo=ROME),
        net=Decimal("43.55"),
        tax=Decimal("9.69"),
        commission=Decimal("6.53"),
    )
    _effective_endorsement(
        practice,
        2,
        datetime.datetime(2026, 3, 1, 0, 30, tzinfo=ROME),
        net=Decimal("-20.00"),
        tax=Decimal("-4.45"),
        commission=Decimal("-3.00"),
    )
    # when each month's risk bordereau is built
    january = _rows(build(binder.insurer, JANUARY, RISK))
    (raised,) = _rows(build(binder.insurer, datetime.date(2026, 2, 1), RISK))
    (lowered,) = _rows(build(binder.insurer, datetime.date(2026, 3, 1), RISK))
    # then January has the new business only; each variazione carries its own difference
    assert [r["CR0022 Risk Transaction Type"] for r in january] == ["New Business"]
    assert (raised["CR0022 Risk Transaction Type"], raised["CR0056 Premium Transaction Type"]) == (
        "Endorsement",
        "Additional Premium",
    )
    assert raised["CR0057 Effective Date of Transaction"] == "10/02/2026"
    assert raised["CR0059 Gross Premium Paid This Time"] == "43.55"
    assert raised["CR0064 Total Taxes and Levies"] == "9.69"
    # the coverholder's commission is the MGA's own (25 % of the difference), not the firm's
    assert raised["CR0062 Commission Amount"] == "10.89"
    assert raised["CR0065 Net Premium to London (Original Currency)"] == "32.66"
    assert raised["CR0288 Number of Instalments"] == "1"
    assert lowered["CR0056 Premium Transaction Type"] == "Return Premium"
    assert lowered["CR0059 Gross Premium Paid This Time"] == "-20.00"
    assert lowered["CR0064 Total Taxes and Levies"] == "-4.45"
    assert lowered["CR0062 Commission Amount"] == "-5.00"  # the MGA's 25 % of -20.00
    assert lowered["CR0065 Net Premium to London (Original Currency)"] == "-15.00"


@pytest.mark.django_db
def test_the_claims_bordereau_holds_the_claims_notified_paid_or_outstanding(collaborator_a):
    # given claims on a policy of the insurer, dated around January
    binder = full_binder()
    policy = policy_in_force(collaborator_a)

    def claim(reported_on, status=Claim.Status.ASSIGNED, **fields) -> Claim:
        opened = open_claim_on(collaborator_a, policy)
        Claim.objects.filter(pk=opened.pk).update(
            reported_on=reported_on,
            event_date=reported_on - datetime.timedelta(days=3),
            status=status,
            **fields,
        )
        return opened

    notified = claim(datetime.date(2026, 1, 31), estimated_amount=Decimal("12000"))
    outstanding = claim(datetime.date(2025, 11, 3), estimated_amount=Decimal("5000"))
    paid = claim(
        datetime.date(2025, 12, 1),
        Claim.Status.CLOSED,
        paid_amount=Decimal("7000"),
        paid_on=datetime.date(2026, 1, 1),
    )
    claim(
        datetime.date(2025, 12, 1),
        Claim.Status.CLOSED,  # paid and closed before
        paid_amount=Decimal("1000"),
        paid_on=datetime.date(2025, 12, 31),
    )
    claim(datetime.date(2026, 2, 1))  # notified after the month
    claim(datetime.date(2025, 10, 1), Claim.Status.REJECTED)  # closed before
    # when
    rows = {
        r["CR0104 Claim Reference / Number"]: r
        for r in _rows(build(binder.insurer, JANUARY, CLAIMS_KIND))
    }
    # then
    assert set(rows) == {notified.number, outstanding.number, paid.number}
    assert rows[notified.number]["CR0105 Claim Status"] == "Open"
    assert rows[notified.number]["CR0130 Reserve - Indemnity"] == "12000.00"
    assert (
        rows[notified.number]["CR0136 Date Claim First Advised / Date Claim Made"] == "31/01/2026"
    )
    assert rows[outstanding.number]["CR0155 Total Incurred"] == "5000.00"
    assert rows[paid.number]["CR0105 Claim Status"] == "Closed"
    assert rows[paid.number]["CR0126 Paid this month - Indemnity"] == "7000.00"
    assert rows[paid.number]["CR0130 Reserve - Indemnity"] == "0.00"
    assert rows[paid.number]["CR0029 Certificate Reference"] == policy.policy_number


@pytest.mark.django_db
def test_missing_binder_references_are_reported_per_row_and_column(collaborator_a):
    # given an insurer whose binder holds no UMR nor PIN, and two policies
    binder = full_binder()
    Binder.objects.filter(pk=binder.pk).update(umr="", coverholder_pin="")
    one = _issued(collaborator_a, datetime.datetime(2026, 1, 5, 9, tzinfo=ROME))
    two = _issued(collaborator_a, datetime.datetime(2026, 1, 6, 9, tzinfo=ROME))
    # when
    result = build(binder.insurer, JANUARY, RISK)
    # then each empty mandatory cell is reported, by row, reference and column
    assert result.missing_by_column == {"CR0005": 2, "CR0014": 2}
    report = list(csv.reader(io.StringIO(result.files["report"].content.decode())))
    assert report == [
        ["Riga", "Riferimento", "Codice", "Colonna"],
        ["2", one.policy_number, "CR0005", "UMR"],
        ["2", one.policy_number, "CR0014", "Coverholder PIN"],
        ["3", two.policy_number, "CR0005", "UMR"],
        ["3", two.policy_number, "CR0014", "Coverholder PIN"],
    ]


@pytest.mark.django_db
def test_with_the_binder_filled_the_check_passes(collaborator_a):
    binder = full_binder()
    _issued(collaborator_a, datetime.datetime(2026, 1, 5, 9, tzinfo=ROME))
    result = build(binder.insurer, JANUARY, RISK)
    assert result.rows == 1
    assert result.missing == 0
    assert "report" not in result.files


@pytest.mark.django_db
def test_the_xlsx_opens_with_the_standard_s_headers_and_typed_cells(collaborator_a):
    # given
    binder = full_binder()
    practice = _issued(collaborator_a, datetime.datetime(2026, 1, 5, 9, tzinfo=ROME))
    # when
    content = build(binder.insurer, JANUARY, RISK).files["xlsx"].content
    # then
    sheet = load_workbook(io.BytesIO(content)).active
    headers = [cell.value for cell in sheet[1]]
    assert headers == [c.title for c in RISK_PREMIUM]
    row = dict(zip(headers, [cell for cell in sheet[2]], strict=True))
    assert row["CR0030 Risk Inception Date"].value.date() == practice.effective_date
    assert row["CR0030 Risk Inception Date"].number_format == "DD/MM/YYYY"
    assert row["CR0059 Gross Premium Paid This Time"].value == pytest.approx(float(practice.net))
    assert row["CR0005 UMR"].value == "B0999RCP2026"


@pytest.mark.django_db
def test_an_empty_month_still_has_the_headers():
    binder = full_binder()
    result = build(binder.insurer, JANUARY, CLAIMS_KIND)
    assert result.rows == 0
    assert next(csv.reader(io.StringIO(result.files["csv"].content.decode()))) == [
        c.title for c in CLAIMS
    ]
