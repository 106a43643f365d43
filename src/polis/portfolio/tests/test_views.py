import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from polis.portfolio.columns import NAMES
from polis.portfolio.models import ImportBatch
from polis.portfolio.tests.factories import csv_bytes, row
from polis.practices.models import Practice
from polis.practices.services import renew_practice
from polis.quotes.tests.factories import demo_product

S = ImportBatch.Status
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _catalog():
    demo_product("RCP")


def upload(web, data, name="portafoglio.csv", **extra):
    return web.post(
        reverse("portfolio:index"),
        {"file": SimpleUploadedFile(name, data), "privacy": "on", **extra},
    )


def test_upload_dry_run_confirm_and_the_policy_is_renewed_from_pratiche_in_scadenza(
    client_for, collaborator_a, django_capture_on_commit_callbacks
):
    web = client_for(collaborator_a)
    # when a firm's administrator uploads a file with a good and a wrong row
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(web, csv_bytes([row(1), row(2, codice_fiscale="XXX")]))
    batch = ImportBatch.objects.get()
    assert response.url == reverse("portfolio:batch", args=[batch.pk])
    # then the dry run's report is on the page, and nothing was written
    page = web.get(response.url).content.decode()
    assert "Verificato: da confermare" in page
    assert "Il codice fiscale di una persona ha 16 caratteri." in page
    assert "Conferma e importa 1 riga" in page
    assert not Practice.objects.exists()
    # and it downloads as a CSV, per row and field
    report = web.get(reverse("portfolio:report", args=[batch.pk]))
    lines = list(
        csv.reader(
            io.StringIO(b"".join(report.streaming_content).decode("utf-8-sig")), delimiter=";"
        )
    )
    assert lines[0][:5] == ["riga", "esito", "campo", "livello", "messaggio"]
    assert ["3", "Con errori: esclusa", "codice_fiscale", "errore"] == lines[2][:4]
    # when he confirms
    with django_capture_on_commit_callbacks(execute=True):
        web.post(reverse("portfolio:confirm", args=[batch.pk]), {"version": batch.version})
    batch.refresh_from_db()
    assert batch.status == S.DONE
    assert batch.progress == 100
    # then the polling fragment shows it done
    fragment = web.get(reverse("portfolio:batch", args=[batch.pk]), HTTP_HX_REQUEST="true")
    assert "Importato" in fragment.content.decode()
    assert "hx-trigger" not in fragment.content.decode()
    # and the policy, with its own number, is in Pratiche in scadenza, with RINNOVA
    expiring = web.get(reverse("practices:expiring")).content.decode()
    assert "VEC-000001" in expiring
    practice = Practice.objects.get(policy_number="VEC-000001")
    renewal = renew_practice(actor=collaborator_a, practice=practice)
    assert renewal.renewal_of == practice
    assert renewal.effective_date == practice.end_date
    assert renewal.gross > 0


def test_a_hostile_file_is_refused_on_the_form(client_for, collaborator_a):
    response = upload(client_for(collaborator_a), b"%PDF-1.4", name="p.xlsx")
    assert response.status_code == 200
    assert (
        "Il file ha il nome di un foglio Excel ma non lo è: rifiutato." in response.content.decode()
    )
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_downloads_with_its_columns(client_for, collaborator_a, fmt):
    response = client_for(collaborator_a).get(reverse("portfolio:template", args=[fmt]))
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    if fmt == "csv":
        assert data.decode("utf-8-sig").splitlines()[0] == ";".join(NAMES)
    else:
        sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
        assert [c.value for c in next(sheet.iter_rows())] == NAMES


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_imports_back_without_errors(
    client_for, collaborator_a, fmt, django_capture_on_commit_callbacks
):
    # given a portfolio imported, with a value a spreadsheet would take for a formula
    web = client_for(collaborator_a)
    with django_capture_on_commit_callbacks(execute=True):
        upload(
            web,
            csv_bytes(
                [
                    row(1),
                    row(
                        2,
                        tipo_cliente="PG",
                        ragione_sociale="Studio Srl",
                        cognome="",
                        nome="",
                        codice_fiscale="",
                        data_nascita="",
                        sesso="",
                        partita_iva="01234560157",
                    ),
                ]
            ),
        )
    batch = ImportBatch.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        web.post(reverse("portfolio:confirm", args=[batch.pk]))
    assert Practice.objects.count() == 2, list(batch.rows.values_list("errors", flat=True))
    # when it is exported
    response = web.get(reverse("portfolio:export", args=[fmt]))
    data = b"".join(response.streaming_content)
    # then the export, uploaded again, checks clean: both policies already there, no error
    with django_capture_on_commit_callbacks(execute=True):
        upload(web, data, name=f"export.{fmt}")
    again = ImportBatch.objects.latest("pk")
    assert again.status == S.VALIDATED, again.message
    assert (again.total_rows, again.error_rows) == (2, 0)
    warnings = [w["message"] for r in again.rows.all() for w in r.warnings]
    assert warnings == ["Polizza già nel portafoglio: sarà saltata."] * 2


def test_export_neutralises_formulas(client_for, collaborator_a):
    from polis.clients.tests.factories import ClientFactory
    from polis.practices.tests.factories import PracticeFactory

    client = ClientFactory(created_by=collaborator_a, last_name="=cmd|' /C calc'!A0")
    PracticeFactory(created_by=collaborator_a, client=client, status=Practice.Status.IN_FORCE)
    response = client_for(collaborator_a).get(reverse("portfolio:export", args=["csv"]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "'=cmd|' /C calc'!A0" in text


def test_firm_b_cannot_see_firm_a_batch(
    client_for, collaborator_a, collaborator_b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(client_for(collaborator_a), csv_bytes([row(1)]))
    batch = ImportBatch.objects.get()
    web_b = client_for(collaborator_b)
    assert web_b.get(reverse("portfolio:batch", args=[batch.pk])).status_code == 404
    assert web_b.get(reverse("portfolio:report", args=[batch.pk])).status_code == 404
    assert web_b.post(reverse("portfolio:confirm", args=[batch.pk])).status_code == 404
    assert batch.file.name not in web_b.get(reverse("portfolio:index")).content.decode()
    batch.refresh_from_db()
    assert batch.status == S.VALIDATED


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_example_rows_check_clean(
    client_for, collaborator_a, fmt, django_capture_on_commit_callbacks
):
    web = client_for(collaborator_a)
    data = b"".join(web.get(reverse("portfolio:template", args=[fmt])).streaming_content)
    with django_capture_on_commit_callbacks(execute=True):
        upload(web, data, name=f"modello.{fmt}")
    batch = ImportBatch.objects.get()
    assert batch.status == S.VALIDATED, batch.message
    assert (batch.total_rows, batch.error_rows) == (2, 0), list(
        batch.rows.values_list("errors", flat=True)
    )
