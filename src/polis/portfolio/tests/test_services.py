import io
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone

from polis.audit.models import AuditEvent
from polis.clients.models import Client
from polis.clients.tests.factories import ClientFactory
from polis.core.errors import DomainError, PermissionDenied
from polis.portfolio import services
from polis.portfolio.models import ImportBatch, ImportRow
from polis.portfolio.services import importing
from polis.portfolio.tests.factories import csv_bytes, person_cf, row, xlsx_bytes
from polis.practices.models import Practice
from polis.quotes.tests.factories import demo_product

S = ImportBatch.Status
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _catalog():
    demo_product("RCP")


def dry_run(actor, data, *, firm=None, name="portafoglio.csv"):
    batch = services.upload_portfolio(
        actor=actor, firm=firm or actor.firm, name=name, data=data, privacy_declared=True
    )
    return services.validate_batch(batch.pk)


def imported(actor, batch):
    services.confirm_import(actor=actor, batch=batch)
    return services.import_batch(batch.pk)


def issues(batch, number, kind="errors"):
    return {i["field"]: i["message"] for i in getattr(batch.rows.get(number=number), kind)}


# --- Italian formats ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [(";", "utf-8-sig"), (",", "utf-8"), (";", "cp1252"), ("\t", "utf-8")],
)
def test_a_csv_in_italian_formats_is_read_whatever_its_separator_and_encoding(
    collaborator_a, delimiter, encoding
):
    # given a file with an accented name, Italian dates and a comma decimal premium
    data = csv_bytes(
        [row(1, cognome="Niccolò", comune="Forlì")], delimiter=delimiter, encoding=encoding
    )
    # when it is checked
    batch = dry_run(collaborator_a, data)
    # then the row is good, read as written
    assert batch.status == S.VALIDATED
    assert (batch.total_rows, batch.error_rows) == (1, 0)
    assert batch.rows.get().cells["cognome"] == "Niccolò"


def test_an_xlsx_is_read_with_date_and_number_cells(collaborator_a):
    # given an XLSX where the dates are date cells and the premium a number cell
    today = timezone.localdate()
    good = row(1) | {
        "decorrenza": today - timedelta(days=300),
        "scadenza": today + timedelta(days=65),
    }
    good["premio_lordo"] = 1180.5
    batch = dry_run(collaborator_a, xlsx_bytes([good]), name="p.xlsx")
    # then it is read: the row is good
    assert batch.status == S.VALIDATED, batch.message
    assert batch.error_rows == 0, list(batch.rows.values_list("errors", flat=True))


# --- The checks, per field ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"codice_fiscale": "BNCLRA80A41Z001X"}, "codice_fiscale", "Codice fiscale non valido."),
        (
            {"tipo_cliente": "PG", "ragione_sociale": "Studio Srl", "partita_iva": "01234567890"},
            "partita_iva",
            "Partita IVA non valida: controlla le 11 cifre.",
        ),
        ({"decorrenza": "31/02/2026"}, "decorrenza", "Data non valida: usa gg/mm/aaaa."),
        ({"prodotto": "XYZ"}, "prodotto", "Prodotto sconosciuto nel catalogo."),
        ({"compagnia": "Z000"}, "compagnia", "Compagnia sconosciuta: indica il suo codice IVASS."),
        ({"premio_lordo": "mille"}, "premio_lordo", "Importo non valido: es. 1.234,56."),
        ({"email": ""}, "email", "Campo obbligatorio."),
        ({"cap": "123"}, "cap", "Il CAP ha 5 cifre."),
        ({"risposte": "limit=9"}, "risposte", None),
    ],
)
def test_each_field_is_checked_and_reported(collaborator_a, overrides, field, message):
    # given a file with one good row and one wrong in one field
    batch = dry_run(collaborator_a, csv_bytes([row(1), row(2, **overrides)]))
    # then the wrong row carries the error on that field, the good one none, nothing written
    assert (batch.total_rows, batch.error_rows) == (2, 1)
    found = issues(batch, 3)
    assert field in found, found
    if message:
        assert found[field] == message
    assert issues(batch, 2) == {}
    assert not Practice.objects.exists()
    assert not Client.objects.exists()


def test_the_end_date_must_follow_the_start(collaborator_a):
    batch = dry_run(collaborator_a, csv_bytes([row(1, scadenza=row(1)["decorrenza"])]))
    assert issues(batch, 2) == {"scadenza": "La scadenza deve seguire la decorrenza."}


def test_a_product_of_another_insurer_is_refused(collaborator_a):
    from polis.catalog.models import Insurer

    Insurer.objects.create(name="Altra", ivass_code="A111")
    batch = dry_run(collaborator_a, csv_bytes([row(1, compagnia="A111")]))
    assert issues(batch, 2) == {"prodotto": "Il prodotto non è della compagnia indicata."}


# --- Duplicates -----------------------------------------------------------------------------


def test_duplicates_within_the_file_are_reported(collaborator_a):
    # given the same policy twice, and the same client on two policies
    rows = [row(1), row(2, numero_polizza="VEC-000001"), row(3, codice_fiscale=person_cf(1))]
    batch = dry_run(collaborator_a, csv_bytes(rows))
    # then the repeated policy is an error, the repeated client a warning
    assert issues(batch, 3) == {"numero_polizza": "Polizza già presente alla riga 2 del file."}
    assert issues(batch, 4, "warnings") == {
        "codice_fiscale": "Stesso cliente della riga 2: sarà un solo cliente con più polizze."
    }
    # and the import makes one client for both of its policies
    batch = imported(collaborator_a, batch)
    assert Client.objects.filter(codice_fiscale=person_cf(1)).count() == 1
    assert Practice.objects.filter(client__codice_fiscale=person_cf(1)).count() == 2


def test_an_existing_client_is_reported_and_linked_not_duplicated(collaborator_a):
    existing = ClientFactory(created_by=collaborator_a, codice_fiscale=person_cf(1))
    batch = dry_run(collaborator_a, csv_bytes([row(1)]))
    assert "codice_fiscale" in issues(batch, 2, "warnings")
    imported(collaborator_a, batch)
    assert Practice.objects.get(policy_number="VEC-000001").client == existing
    assert Client.objects.count() == 1


def test_a_policy_number_of_another_firm_is_an_error(collaborator_a, collaborator_b):
    dry = dry_run(collaborator_b, csv_bytes([row(1)]))
    imported(collaborator_b, dry)
    batch = dry_run(collaborator_a, csv_bytes([row(1)]))
    assert issues(batch, 2) == {
        "numero_polizza": "Numero di polizza già usato da un'altra polizza."
    }


# --- The import -----------------------------------------------------------------------------


def test_the_import_keeps_numbers_and_sets_status_by_dates(collaborator_a):
    today = timezone.localdate()
    past_end = today - timedelta(days=10)
    future_start = today + timedelta(days=20)
    rows = [
        row(1),
        row(
            2,
            decorrenza=(past_end - timedelta(days=365)).strftime("%d/%m/%Y"),
            scadenza=past_end.strftime("%d/%m/%Y"),
        ),
        row(
            3,
            decorrenza=future_start.strftime("%d/%m/%Y"),
            scadenza=(future_start + timedelta(days=365)).strftime("%d/%m/%Y"),
        ),
    ]
    batch = imported(collaborator_a, dry_run(collaborator_a, csv_bytes(rows)))
    assert batch.status == S.DONE
    assert (batch.created_policies, batch.created_clients, batch.failed_rows) == (3, 3, 0)
    statuses = dict(Practice.objects.values_list("policy_number", "status"))
    assert statuses == {
        "VEC-000001": Practice.Status.IN_FORCE,
        "VEC-000002": Practice.Status.EXPIRED,
        "VEC-000003": Practice.Status.COMPLETED,
    }
    practice = Practice.objects.get(policy_number="VEC-000001")
    assert str(practice.gross) == "1180.50"
    assert practice.firm == collaborator_a.firm
    assert practice.created_by == collaborator_a
    # and the batch is audited: uploaded, validated, confirmed, done with its counts
    actions = list(
        AuditEvent.objects.filter(object_id=str(batch.pk), action__startswith="portfolio_import")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "portfolio_import.uploaded",
        "portfolio_import.validated",
        "portfolio_import.importing",
        "portfolio_import.done",
    ]


def test_the_same_file_twice_creates_nothing_twice(collaborator_a):
    data = csv_bytes([row(1), row(2)])
    imported(collaborator_a, dry_run(collaborator_a, data))
    # when the same file comes again
    second = dry_run(collaborator_a, data)
    # then the check says the policies are already here, and the import skips them
    assert issues(second, 2, "warnings") == {
        "numero_polizza": "Polizza già nel portafoglio: sarà saltata."
    }
    second = imported(collaborator_a, second)
    assert (second.created_policies, second.skipped_rows) == (0, 2)
    assert Practice.objects.count() == 2
    assert Client.objects.count() == 2


def test_rerunning_the_import_job_creates_nothing_twice(collaborator_a):
    batch = imported(collaborator_a, dry_run(collaborator_a, csv_bytes([row(1)])))
    assert services.import_batch(batch.pk).created_policies == 1
    assert Practice.objects.count() == 1


def test_a_row_failing_at_import_leaves_nothing_of_itself_and_the_others_in(
    collaborator_a, monkeypatch
):
    # given three good rows, the second of which fails when its practice is written
    batch = dry_run(collaborator_a, csv_bytes([row(1), row(2), row(3)]))
    real = importing._practice

    def failing(r, *args):
        if r.policy["policy_number"] == "VEC-000002":
            from django.db import IntegrityError

            raise IntegrityError("simulated")
        return real(r, *args)

    monkeypatch.setattr(importing, "_practice", failing)
    # when it is imported
    batch = imported(collaborator_a, batch)
    # then the others are in; of the failing row neither client nor policy, and it is listed
    assert set(Practice.objects.values_list("policy_number", flat=True)) == {
        "VEC-000001",
        "VEC-000003",
    }
    assert not Client.objects.filter(codice_fiscale=person_cf(2)).exists()
    assert (batch.created_policies, batch.failed_rows) == (2, 1)
    failed = batch.rows.get(number=3)
    assert failed.outcome == ImportRow.Outcome.FAILED
    assert "simulated" in failed.outcome_message


def test_rows_with_errors_are_left_out_and_listed(collaborator_a):
    batch = imported(collaborator_a, dry_run(collaborator_a, csv_bytes([row(1), row(2, cap="x")])))
    assert batch.created_policies == 1
    assert list(
        batch.rows.filter(outcome=ImportRow.Outcome.INVALID).values_list("number", flat=True)
    ) == [3]


def test_a_cancelled_dry_run_writes_nothing(collaborator_a):
    batch = dry_run(collaborator_a, csv_bytes([row(1)]))
    services.cancel_import(actor=collaborator_a, batch=batch)
    with pytest.raises(DomainError):
        services.confirm_import(actor=collaborator_a, batch=batch)
    assert not Practice.objects.exists()


# --- Hostile files --------------------------------------------------------------------------


def test_a_formula_is_refused_in_its_field(collaborator_a):
    batch = dry_run(
        collaborator_a,
        csv_bytes([row(1, nome='=HYPERLINK("http://x","y")'), row(2, cognome="@SUM(A1)")]),
    )
    assert issues(batch, 2) == {"nome": "Contiene una formula: rifiutata per sicurezza."}
    assert issues(batch, 3) == {"cognome": "Contiene una formula: rifiutata per sicurezza."}
    assert batch.error_rows == 2


def test_a_huge_cell_is_refused(collaborator_a, settings):
    settings.PORTFOLIO_IMPORT_MAX_CELL_CHARS = 120
    batch = dry_run(collaborator_a, csv_bytes([row(1, indirizzo="Via " + "x" * 200)]))
    assert issues(batch, 2) == {"indirizzo": "Contenuto troppo lungo (oltre 120 caratteri)."}
    assert len(batch.rows.get().cells["indirizzo"]) == 120


def test_too_many_rows_or_columns_refuse_the_file(collaborator_a, settings):
    settings.PORTFOLIO_IMPORT_MAX_ROWS = 2
    batch = dry_run(collaborator_a, csv_bytes([row(1), row(2), row(3)]))
    assert batch.status == S.REFUSED
    assert batch.message == "Il file ha più di 2 righe: dividilo in più file."
    assert not batch.rows.exists()
    settings.PORTFOLIO_IMPORT_MAX_COLUMNS = 5
    batch = dry_run(collaborator_a, csv_bytes([row(1)]))
    assert batch.message == "Il file ha più di 5 colonne."


def test_an_unknown_encoding_is_refused_at_upload(collaborator_a):
    with pytest.raises(DomainError) as refused:
        dry_run(collaborator_a, "tipo_cliente;cognome\nPF;Niccolò\n".encode("utf-16"))
    assert "UTF-8" in refused.value.message
    with pytest.raises(DomainError) as refused:
        dry_run(collaborator_a, b"tipo_cliente;cognome\nPF;\x81\x8d\x90\n")
    assert refused.value.message.startswith("Codifica del testo non riconosciuta")
    assert not ImportBatch.objects.exists()


def _zip_bomb() -> bytes:
    """A real zip bomb dressed as a workbook: 300 MB of zeros packed in a few hundred kB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            block = b"\0" * 2**20
            for _ in range(300):
                sheet.write(block)
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_opened(collaborator_a):
    bomb = _zip_bomb()
    assert len(bomb) < 2 * 2**20
    with pytest.raises(DomainError) as refused:
        dry_run(collaborator_a, bomb, name="portafoglio.xlsx")
    assert refused.value.message.startswith("Il file XLSX si espande oltre i limiti")
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (
            b"%PDF-1.7 ...",
            "portafoglio.xlsx",
            "Il file ha il nome di un foglio Excel ma non lo è: rifiutato.",
        ),
        (
            b"PK\x03\x04garbage",
            "p.xlsx",
            "Il file non è un XLSX valido: salvalo di nuovo da Excel.",
        ),
        (b"", "p.csv", "Il file è vuoto."),
    ],
)
def test_a_disguised_file_is_refused(collaborator_a, data, name, message):
    with pytest.raises(DomainError) as refused:
        dry_run(collaborator_a, data, name=name)
    assert refused.value.message == message


def test_a_docx_renamed_xlsx_is_refused(collaborator_a):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    with pytest.raises(DomainError) as refused:
        dry_run(collaborator_a, out.getvalue(), name="p.xlsx")
    assert refused.value.message == "Il file non è un foglio Excel (XLSX): salvalo come .xlsx."


def test_unknown_or_missing_columns_refuse_the_file(collaborator_a):
    batch = dry_run(collaborator_a, b"tipo_cliente;colonna_strana\nPF;x\n")
    assert batch.status == S.REFUSED
    assert batch.message == "Colonne sconosciute: colonna_strana. Usa il modello scaricabile."


# --- Who may --------------------------------------------------------------------------------


def test_a_plain_collaborator_and_another_firm_may_not_import(collaborator_a, collaborator_b):
    from polis.accounts.tests.factories import UserFactory

    plain = UserFactory(firm=collaborator_a.firm, is_firm_admin=False)
    with pytest.raises(PermissionDenied):
        dry_run(plain, csv_bytes([row(1)]))
    with pytest.raises(PermissionDenied):
        dry_run(collaborator_b, csv_bytes([row(1)]), firm=collaborator_a.firm)
    batch = dry_run(collaborator_a, csv_bytes([row(1)]))
    with pytest.raises(PermissionDenied):
        services.confirm_import(actor=collaborator_b, batch=batch)
    batch.refresh_from_db()
    assert batch.status == S.VALIDATED


def test_an_operator_imports_for_a_firm_owned_by_its_administrator(operator, collaborator_a):
    batch = imported(operator, dry_run(operator, csv_bytes([row(1)]), firm=collaborator_a.firm))
    practice = Practice.objects.get()
    assert practice.firm == collaborator_a.firm
    # the practice belongs to the firm's administrator (his expiry reminders); the batch says who
    assert practice.created_by == collaborator_a
    assert batch.confirmed_by == operator
