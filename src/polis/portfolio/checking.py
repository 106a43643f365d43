"""The dry run's checks of each row, also run again by the import itself: the client's data
through the client registry's own form (codice fiscale and partita IVA by their check digits
with python-stdnum, CAP, province, mobile), the policy's insurer, product, dates, premium and
questionnaire answers through the catalog, and duplicates against the firm's portfolio and
against the file's other rows."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from polis.catalog.answers import AnswersInvalid, validate_answers
from polis.catalog.models import Insurer, Product, TariffVersion
from polis.catalog.rating import Tariff, load_tariff
from polis.clients.forms import ClientForm
from polis.clients.models import Client
from polis.core.amounts import parse_amount
from polis.portfolio.columns import NAMES, REQUIRED
from polis.portfolio.reading import EXTRA
from polis.practices.models import Practice

if TYPE_CHECKING:
    from polis.accounts.models import Firm

# Text a spreadsheet would run as a formula (OWASP "CSV injection"); a leading + or - is
# allowed only before a number or a phone number.
_PLAIN_SIGNED = re.compile(r"[+-][\d\s.,/()]*")
# Our own export escapes such text with a quote: read back, the quote goes.
_ESCAPED = re.compile(r"'[=+\-@\t\r]")
_DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")
MAX_PREMIUM = Decimal("10000000")
S = Practice.Status
KINDS = {"PF": Client.Kind.PERSON, "PG": Client.Kind.COMPANY}
CLIENT_FIELDS = {
    "cognome": "last_name",
    "nome": "first_name",
    "ragione_sociale": "company_name",
    "codice_fiscale": "codice_fiscale",
    "partita_iva": "partita_iva",
    "data_nascita": "birth_date",
    "sesso": "sex",
    "email": "email",
    "cellulare": "mobile",
    "pec": "pec",
    "indirizzo": "address",
    "cap": "postal_code",
    "comune": "city",
    "provincia": "province",
}
COLUMN_OF = {name: column for column, name in CLIENT_FIELDS.items()} | {"kind": "tipo_cliente"}


def is_formula(text: str) -> bool:
    """Whether a spreadsheet opening this text would run it as a formula."""
    if not text:
        return False
    if text[0] in "=@\t\r":
        return True
    return text[0] in "+-" and not _PLAIN_SIGNED.fullmatch(text)


def parse_date(text: str) -> date:
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 (a calendar day)
        except ValueError:
            continue
    raise ValueError(_("Data non valida: usa gg/mm/aaaa."))


def parse_premium(text: str) -> Decimal:
    """A premium as Italians write it (1.234,56) or as a spreadsheet does (1234.56)."""
    amount = parse_amount(text)
    if amount is None or not amount.is_finite():
        raise ValueError(_("Importo non valido: es. 1.234,56."))
    if amount <= 0 or amount > MAX_PREMIUM:
        raise ValueError(_("Il premio deve essere maggiore di zero e realistico."))
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(_("Al massimo due decimali."))
    return amount.quantize(Decimal("0.01"))


def parse_answers(text: str) -> dict[str, str]:
    answers = {}
    for part in text.split("|"):
        if not part.strip():
            continue
        name, sep, value = part.partition("=")
        if not sep or not name.strip():
            raise ValueError(_("Scrivi le risposte come nome=valore separati da «|»."))
        answers[name.strip()] = value.strip()
    return answers


def status_for(effective: date, end: date, today: date) -> str:
    """The status a policy has on `today` by its dates: perfezionata before its start, in force
    until its end date, expired after."""
    if effective > today:
        return S.COMPLETED
    return S.IN_FORCE if end >= today else S.EXPIRED


@dataclass
class Checked:
    """One row after its checks: what is wrong (errors exclude the row), what the user should
    know (warnings), and, when it is good, what the import writes."""

    number: int
    cells: dict[str, str]
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    client: dict = field(default_factory=dict)  # Client fields
    tax_id: str = ""
    existing_client: int | None = None
    policy: dict = field(default_factory=dict)  # Practice fields
    already_imported: int | None = None  # the practice, when this policy is already here

    def error(self, column: str, message: str) -> None:
        self.errors.append({"field": column, "message": str(message)})

    def warn(self, column: str, message: str) -> None:
        self.warnings.append({"field": column, "message": str(message)})


class Checker:
    """Checks one firm's file a chunk of rows at a time (two queries a chunk), remembering
    the policies and clients of the rows already seen."""

    def __init__(self, firm: Firm, *, today: date):
        self.firm, self.today = firm, today
        self.insurers = {insurer.ivass_code.upper(): insurer for insurer in Insurer.objects.all()}
        self.products = {
            product.code.upper(): product for product in Product.objects.select_related("insurer")
        }
        self.versions: dict[int, list[TariffVersion]] = {}
        for version in TariffVersion.objects.order_by("-valid_from"):
            self.versions.setdefault(version.product_id, []).append(version)
        self.tariffs: dict[int, Tariff] = {}
        self.form: ClientForm | None = None
        self.seen_policies: dict[str, int] = {}
        self.seen_clients: dict[str, int] = {}
        self.oldest_renewable = today - timedelta(days=settings.PRACTICE_RENEWAL_AFTER_EXPIRY_DAYS)

    def check(self, rows: list[tuple[int, dict[str, str]]]) -> list[Checked]:
        with translation.override("it"):
            checked = [self._row(number, cells) for number, cells in rows]
            self._against_portfolio(checked)
        return checked

    # --- one row --------------------------------------------------------------------------

    def _client_form(self, data: dict) -> ClientForm:
        """The client registry's form, bound to `data`: built once and bound again for each row
        (building a form deep-copies its fields, half of a row's check)."""
        if self.form is None:
            self.form = ClientForm(data)
        else:
            self.form.data, self.form._errors = data, None  # is_valid() cleans it again
        return self.form

    def _row(self, number: int, raw: dict[str, str]) -> Checked:
        row = Checked(number, {})
        limit = settings.PORTFOLIO_IMPORT_MAX_CELL_CHARS
        for column in NAMES:
            text = str(raw.get(column, ""))
            if _ESCAPED.match(text):
                text = text[1:]
            if len(text) > limit:
                row.error(
                    column, _("Contenuto troppo lungo (oltre %(n)s caratteri).") % {"n": limit}
                )
                text = text[:limit]
            elif is_formula(text):
                row.error(column, _("Contiene una formula: rifiutata per sicurezza."))
            row.cells[column] = text
        if EXTRA in raw:
            row.error("", _("La riga ha più celle dell'intestazione."))
        for column in REQUIRED - {"risposte"}:
            if not row.cells[column] and not any(e["field"] == column for e in row.errors):
                row.error(column, _("Campo obbligatorio."))
        if row.errors:
            return row
        self._client(row)
        self._policy(row)
        return row

    def _client(self, row: Checked) -> None:
        kind = KINDS.get(row.cells["tipo_cliente"].upper())
        if kind is None:
            row.error("tipo_cliente", _("Indica PF (persona fisica) o PG (persona giuridica)."))
            return
        data = {name: row.cells[column] for column, name in CLIENT_FIELDS.items()}
        form = self._client_form({**data, "kind": kind, "privacy": "on"})
        if not form.is_valid():
            for name, messages in form.errors.items():
                for message in messages:
                    row.error(COLUMN_OF.get(name, ""), message)
            return
        row.client = {name: form.cleaned_data[name] for name in (*CLIENT_FIELDS.values(), "kind")}
        row.tax_id = (
            row.client["codice_fiscale"]
            if kind == Client.Kind.PERSON
            else row.client["partita_iva"]
        )
        if (first := self.seen_clients.setdefault(row.tax_id, row.number)) != row.number:
            row.warn(
                "codice_fiscale" if kind == Client.Kind.PERSON else "partita_iva",
                _("Stesso cliente della riga %(row)s: sarà un solo cliente con più polizze.")
                % {"row": first},
            )

    def _tariff(self, row: Checked, product: Product, days: list[date]) -> TariffVersion | None:
        for day in days:
            for version in self.versions.get(product.pk, []):
                if version.valid_from <= day and (
                    version.valid_to is None or version.valid_to >= day
                ):
                    return version
        row.error("prodotto", _("Nessuna tariffa del prodotto per rinnovare questa polizza."))
        return None

    def _policy(self, row: Checked) -> None:
        cells = row.cells
        insurer = self.insurers.get(cells["compagnia"].upper())
        product = self.products.get(cells["prodotto"].upper())
        if insurer is None:
            row.error("compagnia", _("Compagnia sconosciuta: indica il suo codice IVASS."))
        if product is None:
            row.error("prodotto", _("Prodotto sconosciuto nel catalogo."))
        elif insurer is not None and product.insurer_id != insurer.pk:
            row.error("prodotto", _("Il prodotto non è della compagnia indicata."))
        elif not product.active:
            row.error(
                "prodotto", _("Il prodotto non è più in vendita: la polizza non si rinnoverebbe.")
            )
        number = cells["numero_polizza"].upper()
        if len(number) > 20:
            row.error("numero_polizza", _("Al massimo 20 caratteri."))
        elif insurer is not None:
            key = f"{insurer.pk}:{number}"
            if (first := self.seen_policies.setdefault(key, row.number)) != row.number:
                row.error(
                    "numero_polizza",
                    _("Polizza già presente alla riga %(row)s del file.") % {"row": first},
                )
        dates = {}
        for column in ("decorrenza", "scadenza"):
            try:
                dates[column] = parse_date(cells[column])
            except ValueError as refused:
                row.error(column, str(refused))
        try:
            gross = parse_premium(cells["premio_lordo"])
        except ValueError as refused:
            row.error("premio_lordo", str(refused))
        try:
            answers = parse_answers(cells["risposte"])
        except ValueError as refused:
            row.error("risposte", str(refused))
        if row.errors or product is None:
            return
        effective, end = dates["decorrenza"], dates["scadenza"]
        if end <= effective:
            row.error("scadenza", _("La scadenza deve seguire la decorrenza."))
            return
        version = self._tariff(row, product, [end, effective, self.today])
        if version is None:
            return
        if version.pk not in self.tariffs:
            self.tariffs[version.pk] = load_tariff(version.document)
        tariff = self.tariffs[version.pk]
        try:
            answers = validate_answers(product, answers, tariff=tariff)
        except AnswersInvalid as invalid:
            row.error("risposte", "; ".join(f"{k}: {v}" for k, v in invalid.errors.items()))
            return
        status = status_for(effective, end, self.today)
        if status == S.COMPLETED:
            row.warn("decorrenza", _("Decorrenza futura: sarà in vigore da quel giorno."))
        elif status == S.EXPIRED and end < self.oldest_renewable:
            row.warn(
                "scadenza", _("Scaduta da tempo: sarà importata come scaduta, non rinnovabile.")
            )
        net = (gross / (1 + tariff.tax_rate)).quantize(Decimal("0.01"))
        row.policy = {
            "product": product,
            "tariff": version,
            "policy_number": number,
            "effective_date": effective,
            "end_date": end,
            "gross": gross,
            "net": net,
            "tax": gross - net,
            "commission": (net * tariff.commission_rate).quantize(Decimal("0.01")),
            "answers": answers,
            "status": status,
        }

    # --- against the firm's portfolio -----------------------------------------------------

    def _against_portfolio(self, rows: list[Checked]) -> None:
        good = [row for row in rows if not row.errors]
        numbers = {row.policy["policy_number"] for row in good}
        existing = {
            number: (pk, firm, insurer)
            for number, pk, firm, insurer in Practice.objects.filter(
                policy_number__in=numbers
            ).values_list("policy_number", "pk", "firm_id", "product__insurer_id")
        }
        tax_ids = {row.tax_id for row in good}
        clients = {}
        for pk, cf, piva in (
            Client.objects.filter(firm=self.firm)
            .filter(Q(codice_fiscale__in=tax_ids) | Q(partita_iva__in=tax_ids))
            .values_list("pk", "codice_fiscale", "partita_iva")
        ):
            clients[cf or piva] = pk
            if piva:
                clients[piva] = pk
        for row in good:
            found = existing.get(row.policy["policy_number"])
            if found is not None:
                pk, firm, insurer = found
                if firm == self.firm.pk and insurer == row.policy["product"].insurer_id:
                    row.already_imported = pk
                    row.warn("numero_polizza", _("Polizza già nel portafoglio: sarà saltata."))
                else:
                    row.error(
                        "numero_polizza", _("Numero di polizza già usato da un'altra polizza.")
                    )
                    continue
            row.existing_client = clients.get(row.tax_id)
            if row.existing_client is not None and row.already_imported is None:
                row.warn(
                    "codice_fiscale" if row.client["kind"] == Client.Kind.PERSON else "partita_iva",
                    _(
                        "Cliente già nel portafoglio: la polizza gli sarà collegata, i suoi dati "
                        "restano quelli registrati."
                    ),
                )
