"""The money's pages: the estratto conto as PDF and Excel, the pain.001 file against the XSD,
the commissions each collaborator may read."""

import csv
import io
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import sepaxml
import xmlschema
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from polis.accounting import services
from polis.accounting.models import Payout
from polis.practices import services as practices
from polis.practices.tests.factories import PracticeFactory
from polis.practices.tests.test_completion import FIRST, pay
from polis.quotes.templatetags.premium import euro

pytestmark = pytest.mark.django_db
XSD = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.09.xsd"


@pytest.fixture
def remittance(collaborator_a, operator):
    practice = PracticeFactory(created_by=collaborator_a)
    paid_on = timezone.localdate() - timedelta(days=3)
    practices.verify_payment(actor=operator, payment=pay(collaborator_a, practice, paid_on=paid_on))
    return services.prepare_remittance(
        actor=operator,
        insurer=practice.product.insurer,
        period_end=timezone.localdate() - timedelta(days=1),
    )


def test_the_statement_is_a_pdf_and_a_workbook_that_add_up(client_for, operator, remittance):
    staff = client_for(operator)
    pdf = staff.get(f"/contabilita/rimesse/{remittance.pk}/estratto-conto.pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    xlsx = staff.get(f"/contabilita/rimesse/{remittance.pk}/estratto-conto.xlsx")
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[0][3:] == (
        "Premio lordo incassato",
        "di cui imposte",
        "Provvigioni dell'MGA trattenute",
        "Netto alla compagnia",
    )
    line, total = rows[1], rows[-1]
    assert line[2].endswith("rata 1")
    gross, taxes, mga, net = (Decimal(str(cell)) for cell in total[3:])
    assert gross == FIRST
    assert taxes == Decimal("76.75")  # 22,25 % of the net premium, half (the cents in the first)
    assert mga == Decimal("86.23")  # the demo tariff's 25 % of the net, collaborator's included
    assert gross - mga == net


def test_the_operator_confirms_the_remittance_from_its_page(client_for, operator, remittance):
    staff = client_for(operator)
    page = staff.get(f"/contabilita/rimesse/{remittance.pk}/").content.decode()
    assert "Conferma il pagamento della rimessa" in page
    staff.post(
        f"/contabilita/rimesse/{remittance.pk}/pagata/",
        {"paid_on": timezone.localdate().isoformat(), "bank_reference": "CRO123"},
    )
    page = staff.get(f"/contabilita/rimesse/{remittance.pk}/").content.decode()
    assert "Conferma il pagamento della rimessa" not in page
    assert "rif. CRO123" in page


def test_a_collaborator_reads_only_his_own_firms_commissions(
    client_for, collaborator_a, collaborator_b, remittance
):
    own = client_for(collaborator_a).get("/contabilita/provvigioni/").content.decode()
    other = (
        client_for(collaborator_b)
        .get(f"/contabilita/provvigioni/?agenzia={collaborator_a.firm_id}")
        .content.decode()
    )
    assert "rata 1" in own
    assert collaborator_b.firm.name in other
    assert "rata 1" not in other
    assert "Prepara il pagamento SEPA" not in own


def test_the_pain001_batch_validates_against_the_xsd(operator, collaborator_a, remittance):
    services.set_payee_iban(
        actor=operator, firm=collaborator_a.firm, iban="IT60X0542811101000000123456"
    )
    payout = services.create_commission_payout(actor=operator, firm=collaborator_a.firm)
    batch = services.export_payout_batch(
        actor=operator, kind=Payout.Kind.COMMISSION, execution_date=timezone.localdate()
    )
    schema = xmlschema.XMLSchema(str(XSD))
    assert schema.is_valid(batch.xml)
    document = schema.to_dict(batch.xml)["CstmrCdtTrfInitn"]
    (transfer,) = document["PmtInf"][0]["CdtTrfTxInf"]
    assert transfer["PmtId"]["EndToEndId"] == payout.end_to_end_id
    assert Decimal(str(transfer["Amt"]["InstdAmt"]["$"])) == payout.gross - payout.withholding
    assert document["PmtInf"][0]["DbtrAcct"]["Id"]["IBAN"] == "IT66A0306909606100000012345"


def _overdue_remittances(collaborator, operator, count, start=0):
    """`count` remittances of one collection each, their periods ended over 30 days ago (due
    30 days after): overdue."""
    for n in range(start, start + count):
        practice = PracticeFactory(created_by=collaborator)
        paid_on = timezone.localdate() - timedelta(days=40 + 2 * n)
        practices.verify_payment(
            actor=operator, payment=pay(collaborator, practice, paid_on=paid_on)
        )
        services.prepare_remittance(
            actor=operator, insurer=practice.product.insurer, period_end=paid_on
        )


def test_the_overview_reads_its_overdue_remittances_in_constant_queries(
    client_for, operator, collaborator_a
):
    # given
    staff = client_for(operator)
    _overdue_remittances(collaborator_a, operator, 1)
    with CaptureQueriesContext(connection) as one:
        staff.get("/contabilita/")
    _overdue_remittances(collaborator_a, operator, 3, start=1)
    # when
    with CaptureQueriesContext(connection) as four:
        page = staff.get("/contabilita/").content.decode()
    # then
    assert len(four) == len(one)
    assert page.count("scaduta il") == 4
    assert page.count(f"· {euro(FIRST - Decimal('86.23'))} ·") == 4  # each one's net due


def test_the_overview_shows_the_mgas_commission_of_the_month(client_for, operator, remittance):
    # given: one instalment collected three days ago (the fixture), this month or the last
    month = timezone.localdate().replace(day=1)
    collected_this_month = timezone.localdate() - timedelta(days=3) >= month
    # when
    page = client_for(operator).get("/contabilita/")
    # then
    figures = page.context["figures"]
    mga = Decimal("86.23") if collected_this_month else Decimal("0.00")
    assert figures["mga_commission"] == mga
    assert figures["mga_commission_collaborators"] + figures["mga_commission_kept"] == mga
    if collected_this_month:
        assert figures["mga_commission_collaborators"] == Decimal("51.74")


def test_the_commission_statement_by_month_with_its_exports(
    client_for, collaborator_a, collaborator_b, operator
):
    # given: instalments verified last month and this month, one of another firm
    this_month = timezone.localdate().replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    a = PracticeFactory(created_by=collaborator_a, policy_number="RCP-2026-000501")
    for paid_on in (last_month, timezone.localdate()):
        practices.verify_payment(actor=operator, payment=pay(collaborator_a, a, paid_on=paid_on))
    b = PracticeFactory(created_by=collaborator_b)
    practices.verify_payment(actor=operator, payment=pay(collaborator_b, b))
    page = client_for(collaborator_a)
    # when
    statement = page.get("/contabilita/provvigioni/")
    previous = page.get("/contabilita/provvigioni/", {"mese": f"{last_month:%Y-%m}"})
    exported = page.get("/contabilita/provvigioni/estratto.csv", {"mese": f"{last_month:%Y-%m}"})
    # then
    assert [line.reference for line in statement.context["page"]] == ["RCP-2026-000501 rata 2"]
    assert statement.context["totals"]["accrued"] == Decimal("51.74")
    assert [line.reference for line in previous.context["page"]] == ["RCP-2026-000501 rata 1"]
    rows = list(
        csv.reader(
            io.StringIO(b"".join(exported.streaming_content).decode("utf-8-sig")), delimiter=";"
        )
    )
    assert rows[0] == ["Data", "Movimento", "Riferimento", "Premio incassato", "Provvigione"]
    assert rows[1] == [
        last_month.strftime("%d/%m/%Y"),
        "Premio incassato",
        "RCP-2026-000501 rata 1",
        "421,67",
        "51,74",
    ]
    assert rows[-1][-2:] == ["421,67", "51,74"]
    # the operator picks the firm; the old address sends to this page with the same query
    staff = client_for(operator)
    sheet = load_workbook(
        io.BytesIO(
            staff.get(
                "/contabilita/provvigioni/estratto.xlsx", {"agenzia": collaborator_b.firm_id}
            ).content
        )
    ).active
    assert [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)][:-1] == [
        f"{b.policy_number} rata 1"
    ]
    old = staff.get("/provvigioni/", {"agenzia": collaborator_b.firm_id, "mese": "2026-11"})
    assert old.status_code == 302
    assert (
        old["Location"]
        == f"/contabilita/provvigioni/?agenzia={collaborator_b.firm_id}&mese=2026-11"
    )
