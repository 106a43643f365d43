"""The operators' pages and the API: list with filters, generate, the missing-field report,
downloads."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from polis.audit.models import AuditEvent
from polis.bordereaux import services
from polis.bordereaux.models import Binder, Bordereau
from polis.bordereaux.standards import RISK_PREMIUM
from polis.bordereaux.tests.support import full_binder
from polis.practices.models import Practice
from polis.practices.tests.factories import PracticeFactory

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")
JANUARY = datetime.date(2026, 1, 1)


@pytest.fixture
def written(collaborator_a) -> Practice:
    return PracticeFactory(
        created_by=collaborator_a,
        status=Practice.Status.ISSUED,
        issued_at=datetime.datetime(2026, 1, 12, 10, tzinfo=ROME),
    )


def test_an_operator_generates_a_month_and_downloads_its_xlsx(client_for, operator, written):
    # given
    insurer = full_binder().insurer
    page = client_for(operator)
    # when the operator generates January's risk bordereau
    response = page.post(
        reverse("bordereaux:generate"),
        {"insurer": insurer.pk, "month": "2026-01", "kind": "risk"},
    )
    # then it exists, complete, and its page says so
    bordereau = Bordereau.objects.get()
    assert response.url == reverse("bordereaux:detail", args=[bordereau.pk])
    assert (bordereau.month, bordereau.rows, bordereau.status) == (JANUARY, 1, "complete")
    assert "Tutti i campi obbligatori sono compilati" in page.get(response.url).content.decode()
    # and the XLSX downloads with the standard's headers and the policy
    download = page.get(reverse("bordereaux:download", args=[bordereau.pk, "xlsx"]))
    assert download["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert [c.value for c in sheet[1]] == [c.title for c in RISK_PREMIUM]
    assert written.policy_number in [c.value for c in sheet[2]]
    assert AuditEvent.objects.filter(
        action="bordereau.downloaded", object_id=str(bordereau.pk), actor=operator
    ).exists()


def test_the_page_lists_the_missing_fields_and_offers_the_report(client_for, operator, written):
    # given an insurer without binder references
    insurer = full_binder().insurer
    Binder.objects.filter(insurer=insurer).update(umr="")
    bordereau = services.generate_bordereau(
        actor=operator, insurer=insurer, month=JANUARY, kind="risk"
    )
    page = client_for(operator)
    # when
    html = page.get(reverse("bordereaux:detail", args=[bordereau.pk])).content.decode()
    # then
    assert "Campi obbligatori mancanti" in html
    assert "Manca 1 campo obbligatorio." in html
    assert "CR0005" in html
    assert written.policy_number in html
    report = page.get(reverse("bordereaux:download", args=[bordereau.pk, "report"]))
    content = b"".join(report.streaming_content).decode()
    assert content.splitlines()[1] == f"2,{written.policy_number},CR0005,UMR"


def test_the_list_filters_by_status_and_kind(client_for, operator):
    insurer = full_binder().insurer
    services.generate_bordereau(actor=operator, insurer=insurer, month=JANUARY, kind="risk")
    services.generate_bordereau(actor=operator, insurer=insurer, month=JANUARY, kind="claims")
    page = client_for(operator)
    url = reverse("bordereaux:list")
    assert page.get(url).context["page"].paginator.count == 2
    assert page.get(url, {"tipo": "claims"}).context["page"].paginator.count == 1
    assert page.get(url, {"stato": "incomplete"}).context["page"].paginator.count == 0
    assert page.get(url, {"mese": "2026-02"}).context["page"].paginator.count == 0


def test_a_future_month_is_refused(client_for, operator):
    insurer = full_binder().insurer
    response = client_for(operator).post(
        reverse("bordereaux:generate"),
        {"insurer": insurer.pk, "month": "2099-01", "kind": "risk"},
    )
    assert response.status_code == 400
    assert "Il mese non può essere futuro." in response.content.decode()
    assert not Bordereau.objects.exists()


def test_the_api_lists_details_generates_and_downloads(client_for, operator, written):
    insurer = full_binder().insurer
    Binder.objects.filter(insurer=insurer).update(coverholder_pin="")
    api = client_for(operator)
    # generate
    made = api.post(
        "/api/bordereaux",
        {"insurer_id": insurer.pk, "month": "2026-01-20", "kind": "risk"},
        content_type="application/json",
    ).json()
    assert (made["month"], made["status"], made["rows"], made["missing"]) == (
        "2026-01-01",
        "incomplete",
        1,
        1,
    )
    assert made["missing_columns"] == [{"code": "CR0014", "header": "Coverholder PIN", "rows": 1}]
    assert made["missing_sample"][0]["reference"] == written.policy_number
    assert made["files"] == ["xlsx", "csv", "report"]
    assert made["allowed_actions"] == ["regenerate"]
    # list and detail
    listed = api.get("/api/bordereaux", {"status": "incomplete"}).json()
    assert [b["id"] for b in listed] == [made["id"]]
    assert api.get(f"/api/bordereaux/{made['id']}").json()["version"] == 1
    # download the CSV
    csv = api.get(f"/api/bordereaux/{made['id']}/csv")
    assert csv["Content-Type"] == "text/csv"
    assert written.policy_number in b"".join(csv.streaming_content).decode()


def test_the_api_refuses_a_collaborator(client_for, collaborator_a):
    assert client_for(collaborator_a).get("/api/bordereaux").status_code == 403
