"""Reads of the portfolio imports (scoped to who may see them) and of the portfolio to export."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from polis.accounts.models import Firm
from polis.catalog.models import Product
from polis.core.access import can
from polis.portfolio.columns import COLUMNS, NAMES
from polis.portfolio.models import ImportBatch, ImportRow
from polis.practices.models import Practice

if TYPE_CHECKING:
    from polis.accounts.models import User

S = Practice.Status
# The policies an export lists: issued ones that are or were in force, or soon will be.
EXPORTED = (S.SIGNED, S.COMPLETED, S.IN_FORCE, S.RENEWED, S.EXPIRED)


def batches_visible_to(user: User) -> QuerySet[ImportBatch]:
    """The MGA's staff see every firm's imports, a firm's administrator his firm's."""
    if not can(user, "import_portfolio"):
        return ImportBatch.objects.none()
    batches = ImportBatch.objects.select_related("firm", "created_by", "file").order_by(
        "-created_at", "-pk"
    )
    return batches if user.is_mga_staff else batches.filter(firm_id=user.firm_id)


def get_batch_for(user: User, pk: int) -> ImportBatch:
    """404 both for a missing batch and another firm's."""
    return get_object_or_404(batches_visible_to(user), pk=pk)


def firms_for(user: User) -> QuerySet[Firm]:
    """The firms whose portfolio the user may import or export."""
    firms = Firm.objects.filter(status=Firm.Status.APPROVED).order_by("name")
    return firms if user.is_mga_staff else firms.filter(pk=user.firm_id)


def get_firm_for(user: User, pk: int | None) -> Firm:
    """The firm named (MGA staff) or the user's own; 404 for one the user may not touch."""
    if not user.is_mga_staff:
        pk = user.firm_id
    return get_object_or_404(firms_for(user), pk=pk)


def report_rows(batch: ImportBatch, *, only_flagged: bool = True) -> QuerySet[ImportRow]:
    """The rows of the report, by number: those with errors or warnings, or all."""
    rows = batch.rows.order_by("number")
    return rows.filter(flagged=True) if only_flagged else rows


def rows_left_out(batch: ImportBatch) -> QuerySet[ImportRow]:
    """The rows the import did not write: with errors in the dry run, or failed then."""
    outcomes = (ImportRow.Outcome.INVALID, ImportRow.Outcome.FAILED)
    return batch.rows.filter(outcome__in=outcomes).order_by("number")


def earlier_import(batch: ImportBatch) -> ImportBatch | None:
    """The same file (by its SHA-256) already imported for the firm."""
    return (
        ImportBatch.objects.filter(
            firm_id=batch.firm_id, file__sha256=batch.file.sha256, status=ImportBatch.Status.DONE
        )
        .exclude(pk=batch.pk)
        .order_by("-finished_at")
        .first()
    )


def _answers(answers: dict) -> str:
    return " | ".join(f"{name}={value}" for name, value in answers.items())


def portfolio_rows(firm: Firm) -> Iterator[dict]:
    """The firm's policies with their clients, in the import template's layout (an export
    imports back), streamed from the database a chunk at a time."""
    practices = (
        Practice.objects.filter(firm=firm, status__in=EXPORTED, policy_number__isnull=False)
        .select_related("client", "product__insurer")
        .order_by("pk")
    )
    for practice in practices.iterator(chunk_size=2000):
        client, product = practice.client, practice.product
        person = client.kind == client.Kind.PERSON
        yield dict.fromkeys(NAMES, "") | {
            "tipo_cliente": "PF" if person else "PG",
            "cognome": client.last_name,
            "nome": client.first_name,
            "ragione_sociale": client.company_name,
            "codice_fiscale": client.codice_fiscale,
            "partita_iva": client.partita_iva,
            "data_nascita": client.birth_date,
            "sesso": client.sex,
            "email": client.email,
            "cellulare": client.mobile,
            "pec": client.pec,
            "indirizzo": client.address,
            "cap": client.postal_code,
            "comune": client.city,
            "provincia": client.province,
            "compagnia": product.insurer.ivass_code,
            "prodotto": product.code,
            "numero_polizza": practice.policy_number,
            "decorrenza": practice.effective_date,
            "scadenza": practice.end_date,
            "premio_lordo": practice.gross,
            "risposte": _answers(practice.answers),
        }


def _example_answers(product: Product) -> str:
    """Answers a product's questionnaire accepts, for the template's example rows: the first
    choice, the minimum, "no"."""
    answers = {}
    for question in product.questionnaire:
        if question["type"] == "choice":
            answers[question["name"]] = str(question["choices"][0][0])
        elif question["type"] == "decimal":
            answers[question["name"]] = str(question["min"])
        else:
            answers[question["name"]] = "False"
    return _answers(answers)


def template_rows() -> list[list[str]]:
    """The template's two example rows (a person, a company) on the catalog's first products."""
    products = list(
        Product.objects.filter(active=True).select_related("insurer").order_by("pk")[:2]
    )
    rows = []
    for index, column_value in enumerate(("example_person", "example_company")):
        row = [getattr(column, column_value) for column in COLUMNS]
        if products:
            product = products[index % len(products)]
            row[NAMES.index("compagnia")] = product.insurer.ivass_code
            row[NAMES.index("prodotto")] = product.code
            row[NAMES.index("risposte")] = _example_answers(product)
        rows.append(row)
    return rows
