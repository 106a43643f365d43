"""A synthetic MGA portfolio at production scale for benchmarks (`manage.py seed_scale`).

Rows are generated in memory with plausible Italian data and distributions, then loaded with
PostgreSQL COPY in text chunks, sent by a worker thread while Python formats the next. The big
tables (clients, practices, quotes, claims, documents, signatures) are loaded without their
secondary indexes and foreign keys, which are rebuilt once afterwards from their own
definitions: one sorted build per index instead of a million random inserts into each. In a
fresh database they are truncated first (they and every table referring to them are empty), so
that COPY writes their rows frozen and all-visible, as VACUUM would leave them.

What the data keeps true (the models' invariants and the services' rules):
- a practice is a period of a contract; renewals chain through `renewal_of`, a renewed period's
  successor is in force (or was), an expired one ended without a renewal in force;
- statuses follow the dates: a period that has not started yet is still being arranged (draft,
  review, issued, signing, signed), a period in progress is in force, a past one expired;
- issued practices carry a policy number `CODE-YEAR-NNNNNN`, gap-free per product and year of
  issue in issuing order, and the numbering counters continue after the last one;
- premiums come from the demo tariffs' own rating of random answers;
- claims are opened on policies in force (or that were), after the period started, with their
  number per year, SLA dates on the insurer's calendar and a status that follows their age;
- an issued practice has its contract document; one sent in firma an open signature request; a
  signed one (and every policy in force, renewed or expired) a completed signature request with
  the signed contract, the evidence report and the signer's identity document (one a client);
  claims carry the documents of their type (all of them once the documents are complete).
  The document rows point to a small set of shared placeholder files (one a kind of document):
  the rows are what the pages and queries read; the bytes are not what is measured.
"""

import hashlib
import json
import random
import time
from bisect import bisect
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import accumulate, pairwise

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from psycopg.copy import QueuedLibpqWriter

from polis.accounts.models import Firm, User
from polis.catalog.models import Product, TariffVersion
from polis.catalog.rating import ReferralRequired, load_tariff, rate
from polis.claims.models import SLA_WORKING_DAYS, Claim, ClaimDocument
from polis.clients.models import Client
from polis.core.models import Counter
from polis.core.workdays import add_working_days
from polis.devdata.catalog import install_demo_catalog
from polis.devdata.demo import DEMO_PASSWORD
from polis.documents.models import StoredFile
from polis.practices.models import Practice
from polis.quotes.models import Quote
from polis.signatures.models import SignatureRequest, Signer
from polis.signatures.registry import SubjectKind
from polis.signatures.services import DECLARATIONS_VERSION

S = Practice.Status
C = Claim.Status

CHUNK_ROWS = 10_000


SURNAMES = (
    "Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti "
    "DeLuca Mancini Costa Giordano Rizzo Lombardi Moretti Barbieri Fontana Santoro Mariani "
    "Rinaldi Caruso Ferrara Galli Martini Leone Longo Gentile Martinelli Vitale Lombardo Serra "
    "Coppola DeSantis DAngelo Marchetti Parisi Villa Conte Ferraro Ferri Fabbri Bianco Marini "
    "Grasso Valentini Messina Sala DeRosa Gatti Pellegrini Palumbo Sanna Farina Rizzi Monti "
    "Cattaneo Morelli Amato Silvestri Mazza Testa Grassi Pellegrino Carbone Giuliani Benedetti"
).split()
# Written forms of the compound surnames above.
SURNAME_SPELLING = {
    "DeLuca": "De Luca",
    "DeSantis": "De Santis",
    "DAngelo": "D'Angelo",
    "DeRosa": "De Rosa",
}
MALE_NAMES = (
    "Marco Alessandro Giuseppe Flavio Luca Giovanni Roberto Andrea Stefano Angelo Francesco "
    "Mario Luigi Antonio Paolo Davide Matteo Simone Federico Lorenzo Riccardo Tommaso Pietro"
).split()
FEMALE_NAMES = (
    "Anna Maria Giulia Francesca Sara Laura Valentina Chiara Alessandra Silvia Elena Martina "
    "Federica Paola Roberta Giorgia Elisa Monica Cristina Lucia Simona Barbara Ilaria Marta"
).split()
COMPANY_FORMS = (
    "{s} Costruzioni S.r.l.",
    "Studio Tecnico {s}",
    "Studio Associato {s}",
    "{s} & Figli S.n.c.",
    "Impresa Edile {s} S.r.l.",
    "{s} Servizi S.p.A.",
    "Immobiliare {s} S.r.l.",
)
# (comune, provincia, CAP, codice catastale, weight)
CITIES = (
    ("Roma", "RM", "00184", "H501", 14),
    ("Milano", "MI", "20121", "F205", 13),
    ("Napoli", "NA", "80133", "F839", 9),
    ("Torino", "TO", "10121", "L219", 8),
    ("Palermo", "PA", "90133", "G273", 5),
    ("Genova", "GE", "16121", "D969", 5),
    ("Bologna", "BO", "40121", "A944", 5),
    ("Firenze", "FI", "50122", "D612", 5),
    ("Bari", "BA", "70121", "A662", 4),
    ("Catania", "CT", "95121", "C351", 3),
    ("Venezia", "VE", "30121", "L736", 3),
    ("Verona", "VR", "37121", "L781", 3),
    ("Padova", "PD", "35121", "G224", 3),
    ("Brescia", "BS", "25121", "B157", 3),
    ("Bergamo", "BG", "24121", "A794", 2),
    ("Parma", "PR", "43121", "G337", 2),
    ("Modena", "MO", "41121", "F257", 2),
    ("Trieste", "TS", "34121", "L424", 2),
    ("Cagliari", "CA", "09124", "B354", 2),
    ("Perugia", "PG", "06121", "G478", 2),
    ("Lecce", "LE", "73100", "E506", 2),
    ("Salerno", "SA", "84121", "H703", 2),
)
STREETS = ("Via Roma", "Via Garibaldi", "Corso Italia", "Via Mazzini", "Via Dante",
           "Via Verdi", "Piazza della Repubblica", "Viale Europa", "Via Cavour")  # fmt: skip

# Share of new contracts by product, and per product the share of companies among its clients.
PRODUCT_MIX = {"RCP": 50, "INF": 30, "CAU": 20}
RENEWAL_RATE = 0.85  # share of contracts renewed at each expiry
YEARS_OF_HISTORY = 4
QUOTED_SHARE = 0.6  # share of new contracts (not renewals) that began as a FAI PREVENTIVO quote
UNCONVERTED_PER_CONVERTED = 1.0  # quotes never converted, per converted one
LEAD_DAYS = 60  # practices are arranged up to this many days before they start
PENDING_MIX = {
    S.DRAFT: 30,
    S.IN_REVIEW: 6,
    S.INFO_REQUESTED: 3,
    S.ISSUED: 20,
    S.SIGNING: 12,
    S.SIGNED: 22,
    S.DECLINED: 3,
    S.CANCELLED: 4,
}
ISSUED_STATUSES = {S.ISSUED, S.SIGNING, S.SIGNED, S.IN_FORCE, S.RENEWED, S.EXPIRED}
SIGNED_STATUSES = {S.SIGNED, S.IN_FORCE, S.RENEWED, S.EXPIRED}
SIGNATURE_LINK_DAYS = 14
# The placeholder files the document rows share: (kind, name, content type, bytes).
_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/MediaBox[0 0 595 842]/Parent 2 0 R>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8ffff3f0005fe02fea7d6a4c10000000049454e44ae426082"
)
BLOBS = {
    kind: (content_type, data)
    for kind, content_type, data in (
        ("contract", "application/pdf", _PDF),
        ("signed", "application/pdf", _PDF + b"% signed\n"),
        ("report", "application/pdf", _PDF + b"% report\n"),
        ("identity", "image/png", _PNG),
        ("claim", "application/pdf", _PDF + b"% claim\n"),
    )
}
REVIEW_REASON = "Premio oltre il limite di emissione automatica"


class _Random(random.Random):
    """Synthetic data, not secrets. Uniform integers straight from `random()`, without the
    standard library's argument checks and rejection sampling: a third of the cost, a bias
    below 2**-20 for the ranges drawn here."""

    def _randbelow(self, n: int) -> int:
        return int(self.random() * n)

    def randrange(self, start: int, stop: int | None = None) -> int:
        if stop is None:
            start, stop = 0, start
        return start + int(self.random() * (stop - start))

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))


@dataclass
class Plan:
    firms: int
    clients: int
    practices: int
    claims: int
    seed: int = 2026
    timings: dict[str, float] = field(default_factory=dict)


# --- small formatters (COPY text format: tab-separated, \N for NULL) --------------------------


def _copy_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _json(value) -> str:
    return _copy_text(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


class _Clock:
    """Fast ISO texts for dates (ordinals) and timestamps (epoch seconds, UTC)."""

    def __init__(self):
        self._days: dict[int, str] = {}
        self._times = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86400)]

    def day(self, ordinal: int) -> str:
        text = self._days.get(ordinal)
        if text is None:
            text = self._days[ordinal] = date.fromordinal(ordinal).isoformat()
        return text

    def stamp(self, seconds: int) -> str:
        day, rest = divmod(seconds, 86400)
        return f"{self.day(day + EPOCH_ORDINAL)} {self._times[rest]}+00"

    def iso(self, seconds: int) -> str:
        """The timestamp as `datetime.isoformat()` writes it in UTC."""
        day, rest = divmod(seconds, 86400)
        return f"{self.day(day + EPOCH_ORDINAL)}T{self._times[rest]}+00:00"


EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def _plus_year(ordinal: int) -> int:
    day = date.fromordinal(ordinal)
    try:
        return day.replace(year=day.year + 1).toordinal()
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28).toordinal()


# --- Italian identifiers ------------------------------------------------------------------------

# Values of the characters in odd positions (A or 0, B or 1, …) for the check character.
_ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25]
_ODD += [24, 23]
_MONTHS = "ABCDEHLMPRST"


def _cf_part(word: str, is_first_name: bool) -> str:
    letters = [c for c in word.upper() if c.isalpha()]
    consonants = [c for c in letters if c not in "AEIOU"]
    vowels = [c for c in letters if c in "AEIOU"]
    if is_first_name and len(consonants) >= 4:
        consonants = [consonants[0], consonants[2], consonants[3]]
    return ("".join(consonants + vowels) + "XXX")[:3]


def codice_fiscale(last: str, first: str, born: date, female: bool, town: str) -> str:
    """A well-formed codice fiscale, check character included."""
    day = born.day + (40 if female else 0)
    body = (
        f"{_cf_part(last, False)}{_cf_part(first, True)}{born.year % 100:02d}"
        f"{_MONTHS[born.month - 1]}{day:02d}{town}"
    )
    total = 0
    for position, char in enumerate(body):
        index = int(char) if char.isdigit() else ord(char) - 65
        total += _ODD[index] if position % 2 == 0 else index
    return body + chr(65 + total % 26)


def partita_iva(number: int) -> str:
    """An 11-digit partita IVA from a serial, with its check digit."""
    digits = f"{number % 10_000_000:07d}{(number // 10_000_000) % 1000 + 1:03d}"
    total = 0
    for position, char in enumerate(digits):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value * 2 > 9 else value * 2
        total += value
    return digits + str((10 - total % 10) % 10)


# --- the loader ---------------------------------------------------------------------------------


def _columns(model, names: list[str]) -> str:
    return ", ".join(model._meta.get_field(name).column for name in names)


def copy_rows(table: str, columns: str, rows, *, freeze: bool = False) -> int:
    """COPY `rows` (already formatted lines, without the newline) into `table` (`freeze`: the
    rows written frozen, for a table truncated in this transaction). A worker thread sends the
    chunks, so that PostgreSQL reads one while Python formats the next."""
    count = 0
    buffer: list[str] = []
    with connection.cursor() as cursor:
        raw = cursor.cursor
        statement = f"COPY {table} ({columns}) FROM STDIN" + (" WITH (FREEZE)" if freeze else "")
        with raw.copy(statement, writer=QueuedLibpqWriter(raw)) as copy:
            for row in rows:
                buffer.append(row)
                if len(buffer) >= CHUNK_ROWS:
                    copy.write("\n".join(buffer) + "\n")
                    count += len(buffer)
                    buffer.clear()
            if buffer:
                copy.write("\n".join(buffer) + "\n")
                count += len(buffer)
    return count


class _WithoutIndexes:
    """Drop tables' secondary indexes, unique and foreign-key constraints (not their primary
    keys) and recreate them, from their own definitions, on exit: the indexes first, then the
    unique constraints, then the foreign keys (which may need them)."""

    def __init__(self, *tables: str):
        self.tables = tables

    def __enter__(self):
        self.indexes, self.unique, self.foreign = [], [], []
        with connection.cursor() as cursor:
            # Check the rows loaded so far now: a table with pending (deferred) foreign-key
            # checks cannot be altered.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in self.tables:
                cursor.execute(
                    "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype IN ('f', 'u')",
                    [table],
                )
                for name, kind, definition in cursor.fetchall():
                    (self.foreign if kind == "f" else self.unique).append((table, name, definition))
                    cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
                cursor.execute(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
                    "AND schemaname = current_schema() AND indexname NOT IN "
                    "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
                    [table, table],
                )
                for name, definition in cursor.fetchall():
                    self.indexes.append(definition)
                    cursor.execute(f'DROP INDEX "{name}"')
        return self

    def __exit__(self, exc_type, exc, traceback):
        if exc_type is not None:
            return  # the transaction rolls the drops back
        with connection.cursor() as cursor:
            for definition in self.indexes:
                cursor.execute(definition)
            for table, name, definition in self.unique + self.foreign:
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def _truncate_if_empty(tables) -> bool:
    """Truncate `tables` and the tables that refer to them, if none holds a row: COPY can then
    write their rows frozen and visible to all, as VACUUM would leave them, so that VACUUM has
    nothing left to do on them. Whether they were truncated (not if any holds a row). Run in
    the loading transaction (COPY FREEZE needs it), which holds the tables locked from before
    the check, so that no row committed after it is truncated."""
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH RECURSIVE refs(rel) AS (SELECT unnest(%s::regclass[]) UNION "
            "SELECT c.conrelid::regclass FROM pg_constraint c JOIN refs ON c.confrelid = refs.rel "
            "WHERE c.contype = 'f') SELECT rel::text FROM refs",
            [list(tables)],
        )
        closure = [row[0] for row in cursor.fetchall()]
        cursor.execute(f"LOCK TABLE {', '.join(closure)} IN ACCESS EXCLUSIVE MODE")
        cursor.execute(" UNION ALL ".join(f"(SELECT 1 FROM {t} LIMIT 1)" for t in closure))  # noqa: S608
        if cursor.fetchone() is not None:
            return False
        cursor.execute(f"TRUNCATE {', '.join(closure)}")
    return True


def _next_id(model) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def _reset_sequence(model) -> None:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
            f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
        )


class Generator:
    def __init__(self, plan: Plan, *, log=print):
        self.plan = plan
        self.rng = _Random(plan.seed)
        self.clock = _Clock()
        self.log = log
        self.now = int(timezone.now().timestamp())
        self.today = timezone.localdate().toordinal()
        self.password = make_password(DEMO_PASSWORD)
        self.needs_heads: dict[str, str] = {}
        self.frozen: set = set()  # the models whose rows COPY writes frozen

    def _copy(self, model, columns: str, rows) -> None:
        copy_rows(model._meta.db_table, columns, rows, freeze=model in self.frozen)

    def _timed(self, name: str, function, *args):
        start = time.perf_counter()
        result = function(*args)
        self.plan.timings[name] = time.perf_counter() - start
        self.log(f"  {name}: {self.plan.timings[name]:.1f} s")
        return result

    def run(self) -> dict[str, float]:
        total = time.perf_counter()
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
                cursor.execute("SET LOCAL synchronous_commit = off")
            # Before the catalog writes its documents among the stored files; without them if
            # the catalog is already there.
            for models in (BULK_MODELS, [m for m in BULK_MODELS if m is not StoredFile]):
                if _truncate_if_empty(model._meta.db_table for model in models):
                    self.frozen.update(models)
                    break
            self._timed("catalog and staff", self.staff_and_catalog)
            self._timed("firms and users", self.firms_and_users)
            # The big tables are loaded without their indexes and foreign keys, rebuilt once
            # at the end: one sorted build per index instead of millions of random inserts.
            with _WithoutIndexes(*(model._meta.db_table for model in BULK_MODELS)):
                self._timed("clients", self.clients)
                self._timed("practices", self.practices)
                # The quotes are formatted while PostgreSQL reads the documents and signatures
                # (the random draws stay in the same order: the COPY draws none).
                with ThreadPoolExecutor(max_workers=1) as executor:
                    quotes = executor.submit(self._quote_lines)
                    self._timed("signatures and documents", self.signatures)
                    self._timed("quotes", self.quotes, quotes.result())
                self._timed("claims", self.claims)
                start = time.perf_counter()
            self.plan.timings["indexes and foreign keys"] = time.perf_counter() - start
            self.log(
                f"  indexes and foreign keys: {self.plan.timings['indexes and foreign keys']:.1f} s"
            )
            self._timed("counters", self.counters)
            for model in LOADED_MODELS:
                _reset_sequence(model)
        self._timed("vacuum analyze", self.vacuum)
        self.plan.timings["total"] = time.perf_counter() - total
        return self.plan.timings

    # --- catalog, staff, firms and users ------------------------------------------------------

    def staff_and_catalog(self) -> None:
        install_demo_catalog()
        self.products = {p.code: p for p in Product.objects.filter(code__in=PRODUCT_MIX)}
        self.tariffs = {}
        self.pool = {}
        for code, product in self.products.items():
            tariff = TariffVersion.objects.filter(product=product).order_by("-valid_from").first()
            tariff.in_use = True
            tariff.save(update_fields=["in_use"])
            self.tariffs[code] = tariff
            self.pool[code] = self._priced_answers(product, tariff)
        staff = [
            ("operatore.scala@polis.local", "Ottavio", "Operatore", User.Role.OPERATOR),
            *[
                (f"liquidatore{n}.scala@polis.local", "Liquidatore", f"N. {n}", User.Role.ADJUSTER)
                for n in range(1, 9)
            ],
        ]
        users = User.objects.bulk_create(
            User(email=email, first_name=first, last_name=last, role=role, password=self.password)
            for email, first, last, role in staff
        )
        self.operator, self.adjusters = users[0], [user.pk for user in users[1:]]

    def _priced_answers(self, product: Product, tariff: TariffVersion) -> list[tuple]:
        """64 answer sets rated by the product's tariff: (answers, net, tax, gross, commission,
        breakdown) as COPY texts, and the demands-and-needs prefix the practices share."""
        rng, rules = self.rng, load_tariff(tariff.document)
        priced = []
        while len(priced) < 64:
            answers = {}
            for question in product.questionnaire:
                if question["type"] == "choice":
                    answers[question["name"]] = rng.choice(question["choices"])[0]
                elif question["type"] == "decimal":
                    low, high = Decimal(question["min"]), Decimal(question["max"])
                    share = Decimal(rng.choice(("0.05", "0.1", "0.2", "0.25", "0.4", "0.5")))
                    answers[question["name"]] = str(int(low + (high - low) * share))
                else:
                    answers[question["name"]] = str(rng.random() < 0.3)
            try:
                breakdown = rate(rules, answers)
            except ReferralRequired:
                continue
            priced.append(
                (
                    _json(answers),
                    str(breakdown.net),
                    str(breakdown.tax),
                    str(breakdown.gross),
                    str(breakdown.commission),
                    _json(breakdown.as_json()),
                    breakdown.gross > product.auto_issue_max_gross,
                )
            )
        return priced

    def _needs(self, product: Product, by: str, at: int) -> str:
        """The demands-and-needs record as COPY text: the product's consistent answers, by
        `by` at `at`."""
        head = self.needs_heads.get(product.code)
        if head is None:
            template = product.needs_questionnaire
            needs = {
                "version": template.get("version", ""),
                "answers": {q["name"]: q["consistent"][0] for q in template.get("questions", [])},
                "refused": False,
                "consistent": True,
                "reason": "",
                "medium": "email",
                "durable_consent": True,
            }
            head = self.needs_heads[product.code] = _json(needs)[:-1]
        return f'{head},"by":{_json(by)},"at":"{self.clock.iso(at)}"}}'

    def firms_and_users(self) -> None:
        rng, plan = self.rng, self.plan
        # Firm sizes follow a power law: a few large agencies, a long tail of small ones.
        weights = [1 / (rank + 1) ** 0.7 for rank in range(plan.firms)]
        self.firm_cumulative = list(accumulate(weights))
        total = self.firm_cumulative[-1]
        first_firm = _next_id(Firm)
        self.firm_ids = list(range(first_firm, first_firm + plan.firms))
        self.firm_city = [rng.choices(CITIES, weights=[c[4] for c in CITIES])[0] for _ in weights]
        opened = self.today - 8 * 365
        firm_rows = []
        for n, firm_id in enumerate(self.firm_ids):
            city, province, cap, _town, _w = self.firm_city[n]
            surname = SURNAME_SPELLING.get(s := rng.choice(SURNAMES), s)
            section = "A" if n % 3 else "B"
            created = (opened + rng.randrange(365) - EPOCH_ORDINAL) * 86400 + 36000
            firm_rows.append(
                "\t".join(
                    (
                        str(firm_id),
                        _copy_text(f"Agenzia {surname} Assicurazioni S.r.l. ({n + 1})"),
                        partita_iva(900_000 + firm_id),
                        section,
                        f"{section}{firm_id:09d}",
                        f"{rng.choice(STREETS)} {rng.randint(1, 120)}",
                        city,
                        cap,
                        province,
                        f"agenzia{firm_id}@pec.example.it",
                        f"+39 02 {rng.randint(1_000_000, 9_999_999)}",
                        self.clock.day(opened - rng.randrange(3650)),
                        "",
                        "f",
                        "f",
                        Firm.Status.APPROVED,
                        "",
                        str(self.operator.pk),
                        self.clock.stamp(created + 86400),
                        self.clock.stamp(created),
                        "f",
                    )
                )
            )
        firm_columns = _columns(
            Firm,
            [
                "id", "name", "partita_iva", "rui_section", "rui_number", "address", "city",
                "postal_code", "province", "pec", "phone", "rui_date", "website",
                "holds_insurer_stake", "insurer_holds_stake", "status", "rejection_reason",
                "reviewed_by", "reviewed_at", "created_at", "two_factor_required",
            ],
        )  # fmt: skip
        copy_rows(Firm._meta.db_table, firm_columns, firm_rows)
        # Several users a firm, more in the large ones; the first is the firm's administrator.
        self.firm_users: list[list[tuple[int, str]]] = []
        user_rows = []
        next_user = _next_id(User)
        for n, firm_id in enumerate(self.firm_ids):
            size = 2 + min(10, int(weights[n] / total * plan.firms * 2))
            users = []
            for i in range(size):
                female = rng.random() < 0.5
                first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
                last = SURNAME_SPELLING.get(s := rng.choice(SURNAMES), s)
                email = f"{first}.{s}.{firm_id}.{i}@agenzia{firm_id}.example.it".lower()
                users.append((next_user, _copy_text(f"{first} {last}")))
                user_rows.append(
                    "\t".join(
                        (
                            str(next_user), self.password, "\\N", "f", email, first,
                            _copy_text(last), User.Role.COLLABORATOR, str(firm_id),
                            "t" if i == 0 else "f",
                            "", "", "\\N", "", "t", "f",
                            self.clock.stamp((opened - EPOCH_ORDINAL + 400) * 86400 + i * 3600),
                        )
                    )
                )  # fmt: skip
                next_user += 1
            self.firm_users.append(users)
        user_columns = _columns(
            User,
            [
                "id", "password", "last_login", "is_superuser", "email", "first_name", "last_name",
                "role", "firm", "is_firm_admin", "rui_section", "rui_number", "rui_date",
                "qualifica", "is_active", "is_staff", "date_joined",
            ],
        )  # fmt: skip
        copy_rows(User._meta.db_table, user_columns, user_rows)

    # --- clients --------------------------------------------------------------------------------

    def clients(self) -> None:
        rng, plan = self.rng, self.plan
        total = self.firm_cumulative[-1]
        cumulative = self.firm_cumulative
        counts = [
            max(1, round(plan.clients * (cumulative[n] - (cumulative[n - 1] if n else 0)) / total))
            for n in range(plan.firms)
        ]
        counts[0] += plan.clients - sum(counts)  # the largest firm takes the rounding
        self.firm_clients: list[tuple[int, int]] = []  # (first client id, count) per firm
        self.client_names: list[str] = []
        # Who signs for each client: (codice fiscale, name, e-mail, mobile); for a company its
        # legal representative.
        self.client_signers: list[tuple[str, str, str, str]] = []
        seen: set[str] = set()
        next_client = _next_id(Client)
        city_weights = list(accumulate(c[4] for c in CITIES))
        surname_weights = list(accumulate(1 / (rank + 3) for rank in range(len(SURNAMES))))
        first_client = next_client
        rows = []
        for n, firm_id in enumerate(self.firm_ids):
            self.firm_clients.append((next_client, max(counts[n], 1)))
            users = self.firm_users[n]
            for _ in range(max(counts[n], 1)):
                city, province, cap, town, _w = CITIES[
                    bisect(city_weights, rng.random() * city_weights[-1])
                ]
                surname = SURNAMES[bisect(surname_weights, rng.random() * surname_weights[-1])]
                last = SURNAME_SPELLING.get(surname, surname)
                created = self.now - rng.randrange(5 * 365 * 86400)
                user_id, _user_name = rng.choice(users)
                female = rng.random() < 0.5
                first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
                while True:
                    birthday = date.fromordinal(self.today - rng.randint(20 * 365, 80 * 365))
                    signer_cf = codice_fiscale(last, first, birthday, female, town)
                    if signer_cf not in seen:
                        seen.add(signer_cf)
                        break
                mobile = f"+3934{rng.randint(10_000_000, 99_999_999)}"
                if rng.random() < 0.2:
                    kind, last_name, sex, born = Client.Kind.COMPANY, "", "", "\\N"
                    company = rng.choice(COMPANY_FORMS).format(s=last)
                    cf, piva = "", partita_iva(next_client)
                    email = f"info{next_client}@{surname.lower()}.example.it"
                    signer_name = f"{first} {last}"
                    first = ""
                else:
                    kind, company, piva, cf = Client.Kind.PERSON, "", "", signer_cf
                    last_name, sex = last, "F" if female else "M"
                    born = birthday.isoformat()
                    email = f"{first}.{surname}{next_client}@example.it".lower()
                    signer_name = f"{first} {last}"
                self.client_names.append(company or f"{last_name} {first}")
                self.client_signers.append((signer_cf, _copy_text(signer_name), email, mobile))
                rows.append(
                    "\t".join(
                        (
                            str(next_client), str(firm_id), kind, first, _copy_text(last_name),
                            _copy_text(company), cf, piva, born, sex, email, mobile, "",
                            f"{rng.choice(STREETS)} {rng.randint(1, 200)}", cap, city, province,
                            "2026-01", self.clock.stamp(created),
                            self.clock.stamp(created) if rng.random() < 0.4 else "\\N",
                            str(user_id), self.clock.stamp(created), Client.Language.ITALIAN,
                        )
                    )
                )  # fmt: skip
                next_client += 1
        columns = _columns(
            Client,
            [
                "id", "firm", "kind", "first_name", "last_name", "company_name", "codice_fiscale",
                "partita_iva", "birth_date", "sex", "email", "mobile", "pec", "address",
                "postal_code", "city", "province", "privacy_consent_version",
                "privacy_consent_at", "marketing_consent_at", "created_by", "created_at",
                "language",
            ],
        )  # fmt: skip
        self._copy(Client, columns, rows)
        self.first_client = first_client

    # --- practices --------------------------------------------------------------------------

    def _period_status(self, start: int, end: int, first: bool) -> str:
        """The status of the last period of a contract, from its dates."""
        rng, today = self.rng, self.today
        if start > today:
            return rng.choices(list(PENDING_MIX), weights=list(PENDING_MIX.values()))[0]
        if first and rng.random() < 0.06:  # abandoned before issuing: never a policy
            return rng.choice((S.DRAFT, S.CANCELLED, S.CANCELLED, S.DECLINED))
        if end < today:
            return S.EXPIRED
        return S.SIGNED if start > today - 20 and rng.random() < 0.3 else S.IN_FORCE

    def _contracts(self):
        """Yield contracts: (firm index, client id, product code, [(start, end, status)])."""
        rng, today = self.rng, self.today
        codes, mix = list(PRODUCT_MIX), list(accumulate(PRODUCT_MIX.values()))
        cumulative, total = self.firm_cumulative, self.firm_cumulative[-1]
        while True:
            firm = bisect(cumulative, rng.random() * total)
            first_client, count = self.firm_clients[firm]
            code = codes[bisect(mix, rng.random() * mix[-1])]
            start = today - rng.randint(-LEAD_DAYS, YEARS_OF_HISTORY * 365)
            periods = []
            while start <= today + LEAD_DAYS:
                end = _plus_year(start)
                status = self._period_status(start, end, not periods)
                periods.append([start, end, status])
                if status not in (S.IN_FORCE, S.EXPIRED) or end > today + LEAD_DAYS:
                    break
                if rng.random() > RENEWAL_RATE:
                    break
                start = end
            # A period followed by a renewal in force (or that was) is renewed; one followed by
            # a renewal still being arranged stays in force, or expired in the grace period.
            for current, following in pairwise(periods):
                if following[2] in (S.IN_FORCE, S.RENEWED, S.EXPIRED):
                    current[2] = S.RENEWED
                else:
                    current[2] = S.IN_FORCE if current[1] >= today else S.EXPIRED
            yield firm, first_client + rng.randrange(count), code, periods

    def practices(self) -> None:
        rng, plan, now, day = self.rng, self.plan, self.now, 86400
        records = []  # (created, firm, client, code, start, end, status, predecessor index)
        for firm, client, code, periods in self._contracts():
            previous = None
            for start, end, status in periods:
                lead = rng.randint(15, 45) if previous is not None else rng.randint(2, 40)
                created = (start - lead - EPOCH_ORDINAL) * day + rng.randrange(8 * 3600, 19 * 3600)
                if created > now:
                    created = now - rng.randrange(60, 3 * day)
                records.append((created, firm, client, code, start, end, status, previous))
                previous = len(records) - 1
                if len(records) == plan.practices:
                    break
            if len(records) >= plan.practices:
                break
        # Ids follow creation time, as they would in production.
        order = sorted(range(len(records)), key=lambda index: records[index][0])
        first_id = _next_id(Practice)
        new_id = [0] * len(records)
        for position, index in enumerate(order):
            new_id[index] = first_id + position
        # Policy numbers: gap-free per product and year of issue, in issuing order.
        issued = {}
        for index in order:
            created, status = records[index][0], records[index][6]
            if status in ISSUED_STATUSES:
                issued[index] = min(created + rng.randrange(600, 3 * day), now)
        series: dict[str, int] = {}
        numbers = {}
        for index in sorted(issued, key=issued.get):
            key = f"{records[index][3]}-{datetime.fromtimestamp(issued[index], UTC).year}"
            series[key] = series.get(key, 0) + 1
            numbers[index] = f"{key}-{series[key]:06d}"
        self.series = series
        self._store_blobs()
        # (practice id, client id, firm index, code, start, end) of claimable policies
        self.policies = []
        self.quote_rows: list[tuple] = []  # (created, firm, client, code, start, practice?)
        self.next_quote_id = _next_id(Quote)
        rows = (
            self._practice_row(index, records[index], new_id, issued.get(index), numbers)
            for index in order
        )
        self._copy(Practice, PRACTICE_COLUMNS, rows)
        self.practice_count = len(records)

    def _quote_lines(self) -> list[str]:
        """The quotes the practices were converted from, and as many never converted."""
        self._unconverted_quotes()
        return list(self._quote_rows())

    def quotes(self, lines: list[str]) -> None:
        self._copy(Quote, QUOTE_COLUMNS, lines)

    def _practice_row(self, index, record, new_id, issued_at, numbers) -> str:
        rng, clock, now, day = self.rng, self.clock, self.now, 86400
        created, firm, client, code, start, end, status, previous = record
        product = self.products[code]
        answers, net, tax, gross, commission, breakdown, over_limit = rng.choice(self.pool[code])
        user_id, user_name = rng.choice(self.firm_users[firm])
        reviewed = status in (S.IN_REVIEW, S.INFO_REQUESTED, S.DECLINED) or (
            issued_at is not None and over_limit
        )
        submitted = min(created + rng.randrange(3600, 2 * day), now) if reviewed else None
        if issued_at is not None and submitted is not None and submitted > issued_at:
            submitted = issued_at - 60
        in_force = None
        if status in (S.IN_FORCE, S.RENEWED, S.EXPIRED):
            in_force = min(issued_at + rng.randrange(3600, 10 * day), now)
            if start < self.today:
                self.policies.append((new_id[index], client, firm, code, start, end))
        quote = "\\N"
        if previous is None and rng.random() < QUOTED_SHARE:
            quote = str(self.next_quote_id)
            priced_at = created - rng.randrange(3600, 20 * day)
            self.quote_rows.append((priced_at, firm, client, code, start, user_id, True))
            self.next_quote_id += 1
        needs = (
            self._needs(product, user_name, created + 600)
            if status != S.DRAFT or rng.random() < 0.5
            else "{}"
        )
        contract = signed = report = "\\N"
        if issued_at is not None:
            number = numbers[index]
            contract = self._file("contract", f"contratto-{number}.pdf", issued_at, user_id)
            if status == S.SIGNING or status in SIGNED_STATUSES:
                signed, report = self._signature(
                    new_id[index], firm, client, product, number, contract, issued_at, user_id,
                    status,
                )  # fmt: skip
        return "\t".join(
            (
                str(new_id[index]), f"{rng.getrandbits(128):032x}", str(self.firm_ids[firm]),
                str(client), str(product.pk), str(self.tariffs[code].pk), quote, answers,
                clock.day(start), clock.day(end), net, tax, gross, commission, breakdown, status,
                REVIEW_REASON if reviewed else "", numbers.get(index, "\\N"), contract, signed,
                report,
                "[]", clock.stamp(submitted) if submitted else "\\N",
                clock.stamp(issued_at) if issued_at else "\\N",
                clock.stamp(in_force) if in_force else "\\N",
                str(new_id[previous]) if previous is not None else "\\N",
                str(user_id), clock.stamp(created), needs, "1", "{}",
            )
        )  # fmt: skip

    # --- documents and signatures -----------------------------------------------------------

    def _file(self, kind: str, name: str, at: int, user_id: int | None) -> str:
        """A stored document row on the shared placeholder file of its kind; its id."""
        path, size, sha256 = self.blobs[kind]
        file_id = str(self.next_file)
        self.next_file += 1
        by = str(user_id) if user_id else "\\N"
        self.file_rows.append(
            f"{file_id}\t{self.rng.getrandbits(128):032x}\t{path}\t{name}"
            f"\t{BLOBS[kind][0]}\t{size}\t{sha256}\t{by}\t{self.clock.stamp(at)}"
        )
        return file_id

    def _signature(self, practice, firm, client, product, number, contract, sent, user_id, status):
        """The contract's signature request: open (in firma) or completed (signed), with the
        signer's identity document (one a client); the signed contract's and report's ids."""
        rng, day = self.rng, 86400
        sent = min(sent + rng.randrange(600, day), self.now)
        cf, name, email, mobile = self.client_signers[client - self.first_client]
        signed = report = "\\N"
        signed_at = accepted = None
        request_status = SignatureRequest.Status.SENT
        if status in SIGNED_STATUSES:
            request_status = SignatureRequest.Status.SIGNED
            signed_at = min(sent + rng.randrange(300, 5 * day), self.now)
            accepted = signed_at - rng.randrange(30, 300)
        clock = self.clock
        if client not in self.signers:
            identity = self._file("identity", "documento-identita.png", sent, user_id)
            self.signers[client] = (str(len(self.signers) + self.first_signer), identity)
            adhered = (clock.stamp(accepted), DECLARATIONS_VERSION) if accepted else ("\\N", "")
            self.signer_rows.append("\t".join((self.signers[client][0], cf, *adhered, "0")))
        signer, identity = self.signers[client]
        if signed_at is not None:
            signed = self._file("signed", f"contratto-{number}-firmato.pdf", signed_at, None)
            report = self._file("report", f"rapporto-firma-{number}.pdf", signed_at, None)
        self.signature_rows.append(
            "\t".join(
                (
                    str(len(self.signature_rows) + self.first_signature),
                    f"{rng.getrandbits(128):032x}", str(self.firm_ids[firm]), SubjectKind.PRACTICE,
                    str(practice), _copy_text(f"Contratto di polizza {number} — {product.name}"),
                    contract, signer, name, email, mobile, Client.Language.ITALIAN, identity,
                    str(user_id), f"{rng.getrandbits(128):032x}", f"{rng.getrandbits(256):064x}",
                    request_status, clock.stamp(sent),
                    clock.stamp(sent + SIGNATURE_LINK_DAYS * day), "0", "0",
                    clock.stamp(accepted) if accepted else "\\N", "",
                    clock.stamp(signed_at) if signed_at else "\\N", signed, report,
                    clock.stamp(sent),
                )
            )
        )  # fmt: skip
        return signed, report

    def _store_blobs(self) -> None:
        """The shared placeholder files, written once to the storage: (path, size, SHA-256)."""
        self.blobs = {}
        for kind, (content_type, data) in BLOBS.items():
            extension = "png" if content_type == "image/png" else "pdf"
            path = f"documents/scale/{kind}.{extension}"
            if not default_storage.exists(path):
                path = default_storage.save(path, ContentFile(data))
            self.blobs[kind] = (path, len(data), hashlib.sha256(data).hexdigest())
        self.next_file = _next_id(StoredFile)
        self.file_rows: list[str] = []
        self.signers: dict[int, tuple[str, str]] = {}  # client id → (signer id, identity file)
        self.first_signer = _next_id(Signer)
        self.signer_rows: list[str] = []
        self.first_signature = _next_id(SignatureRequest)
        self.signature_rows: list[str] = []

    def _copy_files(self) -> None:
        self._copy(StoredFile, FILE_COLUMNS, self.file_rows)
        self.file_rows.clear()

    def signatures(self) -> None:
        """COPY the contracts' documents, the signers and the signature requests."""
        self._copy_files()
        columns = ["id", "codice_fiscale", "adhered_at", "adhesion_version", "failures"]
        self._copy(Signer, _columns(Signer, columns), self.signer_rows)
        self._copy(SignatureRequest, SIGNATURE_COLUMNS, self.signature_rows)
        self.signer_rows.clear()
        self.signature_rows.clear()

    # --- quotes -------------------------------------------------------------------------------

    def _unconverted_quotes(self) -> None:
        """Quotes priced in the last two years and never converted (some still valid)."""
        rng, day = self.rng, 86400
        codes, mix = list(PRODUCT_MIX), list(accumulate(PRODUCT_MIX.values()))
        cumulative, total = self.firm_cumulative, self.firm_cumulative[-1]
        converted = len(self.quote_rows)
        for _ in range(int(converted * UNCONVERTED_PER_CONVERTED)):
            firm = bisect(cumulative, rng.random() * total)
            first_client, count = self.firm_clients[firm]
            code = codes[bisect(mix, rng.random() * mix[-1])]
            priced_at = self.now - rng.randrange(3600, 730 * day)
            start = (priced_at // day) + EPOCH_ORDINAL + rng.randint(0, 30)
            user_id, _name = rng.choice(self.firm_users[firm])
            client = first_client + rng.randrange(count)
            self.quote_rows.append((priced_at, firm, client, code, start, user_id, False))

    def _quote_rows(self):
        """The quotes as COPY rows: numbered per year in the order they were priced."""
        rng, clock, day = self.rng, self.clock, 86400
        self.quote_series: dict[str, int] = {}
        numbers = {}
        for index in sorted(range(len(self.quote_rows)), key=lambda i: self.quote_rows[i][0]):
            year = f"PRV-{datetime.fromtimestamp(self.quote_rows[index][0], UTC).year}"
            self.quote_series[year] = self.quote_series.get(year, 0) + 1
            numbers[index] = f"{year}-{self.quote_series[year]:06d}"
        first_id = self.next_quote_id - sum(1 for row in self.quote_rows if row[6])
        unconverted_id = self.next_quote_id
        converted_id = first_id
        for index, row in enumerate(self.quote_rows):
            priced_at, firm, client, code, start, user_id, converted = row
            if converted:
                quote_id, converted_id = converted_id, converted_id + 1
            else:
                quote_id, unconverted_id = unconverted_id, unconverted_id + 1
            product = self.products[code]
            answers, net, tax, gross, commission, breakdown, _over = rng.choice(self.pool[code])
            valid_until = priced_at // day + EPOCH_ORDINAL + product.quote_validity_days
            yield "\t".join(
                (
                    str(quote_id), numbers[index],
                    str(self.firm_ids[firm]), str(client), str(product.pk),
                    str(self.tariffs[code].pk), answers, clock.day(start), net, tax, gross,
                    commission, breakdown, clock.day(valid_until),
                    Quote.Status.CONVERTED if converted else Quote.Status.PRICED, "\\N",
                    str(user_id), clock.stamp(priced_at),
                )
            )  # fmt: skip

    # --- claims -----------------------------------------------------------------------------

    def claims(self) -> None:
        rng, clock, today, day = self.rng, self.clock, self.today, 86400
        if not self.policies:
            self.claim_series: dict[str, int] = {}
            return
        closures = [date.fromisoformat(d) for d in self.products["RCP"].insurer.claims_closures]
        sla_cache: dict[int, str] = {}
        drafts = []
        for _ in range(self.plan.claims):
            practice_id, client, firm, code, start, end = rng.choice(self.policies)
            event = rng.randint(start, min(end, today - 1))
            reported = min(event + rng.randint(0, 5), today)
            created = (reported - EPOCH_ORDINAL) * day + rng.randrange(8 * 3600, 19 * 3600)
            created = min(created, self.now)
            drafts.append((created, practice_id, client, firm, code, event, reported))
        drafts.sort()
        series: dict[str, int] = {}
        rows = []
        next_claim = _next_id(Claim)
        self.next_claim_document = _next_id(ClaimDocument)
        self.claim_document_rows: list[str] = []
        for created, practice_id, client, firm, code, event, reported in drafts:
            year = date.fromordinal(reported).year
            series[str(year)] = number = series.get(str(year), 0) + 1
            kind = rng.choice(self.products[code].claim_types)
            status = self._claim_status(today - reported)
            user_id, _name = rng.choice(self.firm_users[firm])
            complete = assigned = investigated = paid = None
            if status not in (C.OPENED, C.DOCS_MISSING):
                complete = min(reported + rng.randint(0, 15), today)
            if complete is not None and status not in (C.REJECTED, C.CLOSED_WITHOUT_PAYMENT):
                assigned = min(complete + rng.randint(1, 12), today)
            if assigned is not None and status not in (C.ASSIGNED,):
                investigated = min(assigned + rng.randint(5, 40), today)
            amount = rng.choice((1500, 3000, 5000, 8000, 12000, 25000, 40000, 90000))
            if status in (C.PAID, C.CLOSED) and investigated is not None:
                paid = min(investigated + rng.randint(10, 60), today)
            if complete is not None and complete not in sla_cache:
                due = add_working_days(date.fromordinal(complete), SLA_WORKING_DAYS, closures)
                sla_cache[complete] = due.isoformat()
            self._claim_documents(next_claim, kind, status, complete, created, user_id)
            city = CITIES[rng.randrange(len(CITIES))][0]
            outcome = (
                "Evento non coperto dalla polizza"
                if status == C.REJECTED
                else "Richiesta ritirata dal terzo"
                if status == C.CLOSED_WITHOUT_PAYMENT
                else ""
            )
            rows.append(
                "\t".join(
                    (
                        str(next_claim), f"SIN-{year}-{number:06d}", f"{rng.getrandbits(128):032x}",
                        str(self.firm_ids[firm]), str(practice_id), str(client), kind["code"],
                        _copy_text(kind["label"]), clock.day(event), clock.day(reported), city,
                        f"Denuncia di sinistro: {_copy_text(kind['label']).lower()} ({city}).",
                        f"{amount}.00", "", status,
                        clock.day(complete) if complete else "\\N",
                        sla_cache[complete] if complete else "\\N",
                        f"D999-{year}-{number:07d}" if assigned else "",
                        clock.day(assigned) if assigned else "\\N",
                        clock.day(investigated) if investigated else "\\N",
                        str(rng.choice(self.adjusters)) if assigned else "\\N", "", outcome,
                        f"{amount * rng.choice((6, 8, 10)) // 10}.00" if paid else "\\N",
                        clock.day(paid) if paid else "\\N",
                        "IT60X0542811101000000123456" if paid else "", "1", str(user_id),
                        clock.stamp(created),
                    )
                )
            )  # fmt: skip
            next_claim += 1
        self.claim_series = series
        columns = _columns(
            Claim,
            [
                "id", "number", "uuid", "firm", "practice", "client", "claim_type",
                "claim_type_label",
                "event_date", "reported_on", "place", "description", "estimated_amount",
                "third_parties", "status", "docs_complete_on", "sla_due",
                "insurer_claim_number", "insurer_number_on", "investigation_done_on",
                "adjuster", "external_adjuster", "outcome_reason", "paid_amount", "paid_on",
                "payee_iban", "version", "created_by", "created_at",
            ],
        )  # fmt: skip
        self._copy(Claim, columns, rows)
        self._copy_files()
        self._copy(ClaimDocument, CLAIM_DOCUMENT_COLUMNS, self.claim_document_rows)

    def _claim_documents(self, claim, kind, status, complete, created, user_id) -> None:
        """The documents uploaded with a claim: every required one (and some optional ones) once
        complete, the first one while documents are missing, none or the first one when just
        opened."""
        rng = self.rng
        documents = kind["documents"]
        if complete is not None:
            documents = [d for d in documents if d["required"] or rng.random() < 0.5]
        elif status == C.DOCS_MISSING or rng.random() < 0.5:
            documents = documents[:1]
        else:
            documents = []
        for document in documents:
            file_id = self._file("claim", f"{document['code']}.pdf", created, user_id)
            self.claim_document_rows.append(
                f"{self.next_claim_document}\t{document['code']}\t{_copy_text(document['label'])}"
                f"\t{file_id}\t{user_id}\t{self.clock.stamp(created)}\t{claim}"
            )
            self.next_claim_document += 1

    def _claim_status(self, age: int) -> str:
        choices = self.rng.choices
        if age < 15:
            return choices((C.OPENED, C.DOCS_MISSING, C.ASSIGNED), (5, 3, 2))[0]
        if age < 60:
            return choices(
                (C.DOCS_MISSING, C.ASSIGNED, C.INVESTIGATION, C.OFFER_RECEIVED), (1, 3, 4, 2)
            )[0]
        if age < 180:
            return choices(
                (C.INVESTIGATION, C.OFFER_RECEIVED, C.ACCEPTED, C.PAID, C.CLOSED, C.REJECTED),
                (3, 2, 1, 1, 4, 1),
            )[0]
        return choices(
            (C.CLOSED, C.CLOSED_WITHOUT_PAYMENT, C.REJECTED, C.REOPENED, C.INVESTIGATION),
            (60, 20, 14, 2, 4),
        )[0]

    # --- after the load ---------------------------------------------------------------------

    def counters(self) -> None:
        """The numbering continues after the seeded policy and claim numbers."""
        values = {
            **self.series,
            **self.quote_series,
            **{f"SIN-{y}": n for y, n in self.claim_series.items()},
        }
        for series, value in values.items():
            Counter.objects.update_or_create(series=series, defaults={"value": value})

    def vacuum(self) -> None:
        with connection.cursor() as cursor:
            for model in LOADED_MODELS:
                cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")


# The big tables, loaded without their indexes and foreign keys.
BULK_MODELS = (
    Client, Practice, Quote, Claim, StoredFile, Signer, SignatureRequest, ClaimDocument,
)  # fmt: skip
# The tables seed_scale loads: their sequences reset and their statistics taken after the load.
LOADED_MODELS = (Firm, User, *BULK_MODELS)

PRACTICE_COLUMNS = _columns(
    Practice,
    [
        "id", "uuid", "firm", "client", "product", "tariff", "quote", "answers", "effective_date",
        "end_date", "net", "tax", "gross", "commission", "breakdown", "status", "review_reason",
        "policy_number", "contract", "signed_contract", "signature_report", "disclosures",
        "submitted_at", "issued_at", "in_force_at", "renewal_of", "created_by", "created_at",
        "needs", "version", "delivery",
    ],
)  # fmt: skip


FILE_COLUMNS = _columns(
    StoredFile,
    ["id", "uuid", "file", "name", "content_type", "size", "sha256", "created_by", "created_at"],
)
SIGNATURE_COLUMNS = _columns(
    SignatureRequest,
    [
        "id", "uuid", "firm", "subject_kind", "subject_id", "title", "document", "signer",
        "signer_name", "signer_email", "signer_mobile", "signer_language", "identity_document",
        "identified_by", "link_nonce", "token_hash", "status", "sent_at", "expires_at",
        "reminders_sent", "failures", "declarations_accepted_at", "decline_reason", "signed_at",
        "signed_document", "report", "created_at",
    ],
)  # fmt: skip
CLAIM_DOCUMENT_COLUMNS = _columns(
    ClaimDocument, ["id", "kind", "label", "file", "uploaded_by", "uploaded_at", "claim"]
)


QUOTE_COLUMNS = _columns(
    Quote,
    [
        "id", "number", "firm", "client", "product", "tariff", "answers", "effective_date", "net",
        "tax", "gross", "commission", "breakdown", "valid_until", "status", "pdf", "created_by",
        "created_at",
    ],
)  # fmt: skip


def seed_scale(plan: Plan, *, log=print) -> dict[str, float]:
    """Load `plan` into an empty PostgreSQL database; return the time of each phase (s)."""
    return Generator(plan, log=log).run()


def portfolio_is_empty() -> bool:
    return not (
        Firm.objects.exists()
        or Client.objects.exists()
        or Practice.objects.exists()
        or Claim.objects.exists()
    )


def describe() -> dict[str, int]:
    """What the database holds (the command's summary)."""
    return {
        "firms": Firm.objects.count(),
        "users": User.objects.count(),
        "clients": Client.objects.count(),
        "practices": Practice.objects.count(),
        "quotes": Quote.objects.count(),
        "claims": Claim.objects.count(),
        "signature requests": SignatureRequest.objects.count(),
        "stored documents": StoredFile.objects.count(),
    }
