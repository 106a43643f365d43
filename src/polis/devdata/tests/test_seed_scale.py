"""seed_scale: a small load on PostgreSQL keeps the models' invariants; refusals elsewhere."""

import hashlib
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from stdnum.it import codicefiscale, iva

from polis.accounts.models import Firm, User
from polis.accounts.tests.factories import UserFactory
from polis.claims.models import Claim
from polis.clients.models import Client
from polis.clients.tests.factories import ClientFactory
from polis.core.numbering import formatted_number
from polis.devdata import scale
from polis.documents.models import StoredFile
from polis.practices.models import Practice
from polis.quotes.models import Quote
from polis.signatures.models import SignatureRequest, Signer

S = Practice.Status
ISSUED = {S.ISSUED, S.SIGNING, S.SIGNED, S.IN_FORCE, S.RENEWED, S.EXPIRED}
SIGNED = {S.SIGNED, S.IN_FORCE, S.RENEWED, S.EXPIRED}
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="seed_scale loads with PostgreSQL COPY"
)


@postgresql_only
@pytest.mark.django_db(transaction=True)  # VACUUM runs outside a transaction
def test_a_small_load_keeps_the_models_invariants(settings):
    # given
    settings.DEBUG = True
    today = timezone.localdate()
    # when
    call_command("seed_scale", firms=4, clients=60, practices=500, claims=40, verbosity=0)
    # then the requested volumes, several users per firm, approved firms
    assert Firm.objects.filter(status=Firm.Status.APPROVED).count() == 4
    assert Client.objects.count() == 60
    assert Practice.objects.count() == 500
    assert Claim.objects.count() == 40
    per_firm = (
        User.objects.filter(role=User.Role.COLLABORATOR).values("firm").annotate(n=Count("pk"))
    )
    assert min(row["n"] for row in per_firm) >= 2
    # identifiers are well formed
    for cf, piva in Client.objects.values_list("codice_fiscale", "partita_iva"):
        assert codicefiscale.is_valid(cf) if cf else iva.is_valid(piva)
    # statuses follow the dates; policy numbers exactly on issued practices
    practices = list(Practice.objects.select_related("renewal_of", "product"))
    for practice in practices:
        assert (practice.policy_number is not None) == (practice.status in ISSUED)
        if practice.policy_number:
            code, year, _number = practice.policy_number.split("-")
            assert code == practice.product.code
            assert int(year) == practice.issued_at.year
        if practice.status == S.IN_FORCE:
            assert practice.effective_date <= today <= practice.end_date
        if practice.status == S.EXPIRED:
            assert practice.end_date < today
        if practice.status in (S.DRAFT, S.IN_REVIEW, S.INFO_REQUESTED):
            assert practice.issued_at is None
        if practice.renewal_of is not None:
            assert practice.effective_date == practice.renewal_of.end_date
            if practice.status in (S.IN_FORCE, S.RENEWED, S.EXPIRED):
                assert practice.renewal_of.status == S.RENEWED
        assert practice.created_at <= timezone.now()
    statuses = {practice.status for practice in practices}
    assert {S.IN_FORCE, S.RENEWED, S.EXPIRED} <= statuses
    # claims are on policies that were in force when the event happened
    for claim in Claim.objects.select_related("practice"):
        assert claim.practice.status in (S.IN_FORCE, S.RENEWED, S.EXPIRED)
        assert claim.practice.effective_date <= claim.event_date <= claim.practice.end_date
        assert claim.event_date <= claim.reported_on <= today
        assert claim.firm_id == claim.practice.firm_id
        assert re.fullmatch(r"SIN-\d{4}-\d{6}", claim.number)
    # the numbering continues after the seeded numbers, and ids after the seeded rows
    last = Practice.objects.filter(policy_number__startswith=f"RCP-{today.year}-")
    last = last.order_by("-policy_number").values_list("policy_number", flat=True).first()
    with transaction.atomic():
        following = formatted_number("RCP", today.year)
    assert following == f"RCP-{today.year}-{int((last or 'x-0-0').split('-')[2]) + 1:06d}"
    seeded = Client.objects.order_by("-pk").values_list("pk", flat=True).first()
    assert ClientFactory(created_by=UserFactory()).pk == seeded + 1
    # quotes, some converted into the practice they priced, the others still quotes
    converted = Quote.objects.filter(status=Quote.Status.CONVERTED)
    assert converted.exists()
    assert Quote.objects.filter(status=Quote.Status.PRICED).exists()
    assert converted.count() == Practice.objects.exclude(quote=None).count()
    for quote in Quote.objects.select_related("practice", "client"):
        assert re.fullmatch(r"PRV-\d{4}-\d{6}", quote.number)
        assert quote.client.firm_id == quote.firm_id
        if quote.status == Quote.Status.CONVERTED:
            practice = quote.practice
            assert (practice.firm_id, practice.client_id) == (quote.firm_id, quote.client_id)
            assert practice.product_id == quote.product_id
            assert quote.created_at < practice.created_at
    with transaction.atomic():
        following = formatted_number("PRV", today.year)
    last = Quote.objects.filter(number__startswith=f"PRV-{today.year}-").order_by("-number")
    last_number = last.values_list("number", flat=True).first() or "x-0-0"
    assert following == f"PRV-{today.year}-{int(last_number.split('-')[2]) + 1:06d}"


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_contracts_and_claims_carry_their_signatures_and_documents(settings, tmp_path):
    # given
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    # when
    call_command("seed_scale", firms=4, clients=80, practices=600, claims=60, verbosity=0)
    # then every issued practice has its contract document
    for practice in Practice.objects.select_related("contract", "client"):
        assert (practice.contract is not None) == (practice.status in ISSUED), practice.status
        requests = list(
            SignatureRequest.objects.filter(subject_kind="practice", subject_id=practice.pk)
        )
        if practice.status in SIGNED:
            # a signed contract: a completed request, the signed contract and the report
            (request,) = requests
            assert request.status == SignatureRequest.Status.SIGNED
            assert request.document_id == practice.contract_id
            assert request.signed_at >= request.sent_at
            assert request.signed_document_id == practice.signed_contract_id is not None
            assert request.report_id == practice.signature_report_id is not None
            assert request.signer.adhered_at is not None
            assert request.identity_document is not None
            assert request.firm_id == practice.firm_id
            assert (request.signer_email, request.signer_mobile) == (
                practice.client.email,
                practice.client.mobile,
            )
            if practice.client.kind == Client.Kind.PERSON:
                assert request.signer.codice_fiscale == practice.client.codice_fiscale
            assert codicefiscale.is_valid(request.signer.codice_fiscale)
        elif practice.status == S.SIGNING:
            (request,) = requests
            assert request.status == SignatureRequest.Status.SENT
            assert request.expires_at > request.sent_at
            assert practice.signed_contract is None
        else:
            assert requests == []
            assert practice.signed_contract is None
    assert SignatureRequest.objects.filter(status=SignatureRequest.Status.SIGNED).exists()
    # claims carry the documents of their type: every required one once complete
    claims = list(Claim.objects.prefetch_related("documents").select_related("practice__product"))
    for claim in claims:
        kind = next(k for k in claim.practice.product.claim_types if k["code"] == claim.claim_type)
        codes = {d.kind for d in claim.documents.all()}
        assert codes <= {d["code"] for d in kind["documents"]}
        required = {d["code"] for d in kind["documents"] if d["required"]}
        if claim.docs_complete_on is not None:
            assert required <= codes, claim.status
    assert sum(len(c.documents.all()) for c in claims) >= len(claims) / 2
    # the document rows share a few placeholder files, which exist and match their hashes
    contracts = Practice.objects.exclude(contract=None).values_list("contract__file", flat=True)
    assert set(contracts) == {"documents/scale/contract.pdf"}
    files = StoredFile.objects.filter(file__startswith="documents/scale/")
    files = files.values_list("file", "sha256").distinct()
    assert len(files) == 5
    for name, sha256 in files:
        assert hashlib.sha256((tmp_path / name).read_bytes()).hexdigest() == sha256
    # and new rows continue after the seeded ones
    assert StoredFile.objects.create(name="x.pdf", size=1, sha256="0" * 64).pk == (
        StoredFile.objects.order_by("-pk")[1].pk + 1
    )


def _frozen_tables(monkeypatch) -> set[str]:
    """The tables seed_scale's COPY will have written frozen (WITH FREEZE), filled as it runs."""
    frozen: set[str] = set()
    copy_rows = scale.copy_rows

    def spy(table, columns, rows, *, freeze=False):
        if freeze:
            frozen.add(table)
        return copy_rows(table, columns, rows, freeze=freeze)

    monkeypatch.setattr(scale, "copy_rows", spy)
    return frozen


BULK_TABLES = {model._meta.db_table for model in scale.BULK_MODELS}


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_an_empty_database_is_loaded_frozen_and_all_visible(settings, tmp_path, monkeypatch):
    # given
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    frozen = _frozen_tables(monkeypatch)
    # when
    call_command("seed_scale", firms=2, clients=30, practices=200, claims=10, verbosity=0)
    # then every bulk table is written frozen, and every page of the loaded tables is marked
    # all-visible: list pages read their rows from the covering indexes without the table
    assert frozen == BULK_TABLES
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, relpages, relallvisible FROM pg_class WHERE relname = ANY(%s)",
            [[model._meta.db_table for model in (Client, Practice, Quote, Claim, StoredFile)]],
        )
        pages = cursor.fetchall()
    assert len(pages) == 5
    for table, total, visible in pages:
        assert total > 0, table
        assert visible == total, table


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_stored_files_already_there_are_kept_and_the_other_tables_frozen(
    settings, tmp_path, monkeypatch
):
    # given a stored file recorded before the load
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    before = StoredFile.objects.create(name="before.pdf", size=1, sha256="0" * 64)
    frozen = _frozen_tables(monkeypatch)
    # when
    call_command("seed_scale", firms=2, clients=30, practices=200, claims=10, verbosity=0)
    # then it is still there, and every other bulk table is written frozen
    assert StoredFile.objects.get(pk=before.pk).name == "before.pdf"
    assert StoredFile.objects.count() > 1
    assert frozen == BULK_TABLES - {StoredFile._meta.db_table}


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_rows_already_in_a_loaded_table_are_kept(settings, tmp_path, monkeypatch):
    # given a signer recorded before the load (a row in one of the bulk tables: none of them
    # may be truncated)
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    before = Signer.objects.create(codice_fiscale="XXXXXX00A01Z999X")
    frozen = _frozen_tables(monkeypatch)
    # when
    call_command("seed_scale", firms=2, clients=30, practices=200, claims=10, verbosity=0)
    # then it is still there, the seeded signers come after it, and nothing is written frozen
    assert Signer.objects.get(pk=before.pk).codice_fiscale == "XXXXXX00A01Z999X"
    assert Signer.objects.exclude(pk=before.pk).filter(pk__lt=before.pk).count() == 0
    assert Signer.objects.count() > 1
    assert SignatureRequest.objects.exclude(signer=before).count() == (
        SignatureRequest.objects.count()
    )
    assert frozen == set()


@postgresql_only
@pytest.mark.django_db
def test_a_database_with_a_portfolio_is_refused(settings, collaborator_a):
    # given
    settings.DEBUG = True
    # when / then
    with pytest.raises(CommandError, match="only fills an empty database"):
        call_command("seed_scale", firms=1, clients=1, practices=1, claims=0, verbosity=0)
    assert Practice.objects.count() == 0


@pytest.mark.django_db
def test_sqlite_is_refused_with_an_explanation(settings, monkeypatch):
    # given SQLite (on a PostgreSQL run, the connection says so as SQLite's would)
    monkeypatch.setattr(connection, "vendor", "sqlite")
    settings.DEBUG = True
    with pytest.raises(CommandError, match="PostgreSQL COPY"):
        call_command("seed_scale", firms=1, clients=1, practices=1, claims=0, verbosity=0)


@pytest.mark.django_db
def test_production_is_refused(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_scale", firms=1, clients=1, practices=1, claims=0, verbosity=0)
