"""The three demo products (shared/domain/products-brief.md): illustrative numbers, as data.

Their tariffs are the JSON files in `tariffs/`, validated when read. Tax rates marked
(unconfirmed) in the brief live there, in the tariff version, so an administrator changes them
by loading a new version, not by changing code.
"""

import json
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError

from polis.catalog.models import Coverage, Insurer, Product, ProductDocument, TariffVersion
from polis.catalog.rating import TariffError, load_tariff
from polis.catalog.services import save_tariff_version
from polis.catalog.validators import validate_target_market
from polis.devdata.bordereaux import install_demo_binder
from polis.documents.pdf import render_pdf
from polis.documents.services import store_file

TARIFFS = Path(__file__).parent / "tariffs"


def read_tariff(path: Path) -> dict:
    """A tariff document from a data file, checked by the catalog's validator as a tariff an
    administrator loads is: a file that is not valid JSON or not a valid tariff is refused with
    its name and what is wrong."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise TariffError(f"{path.name}: not valid JSON ({error})") from error
    try:
        load_tariff(document)
    except TariffError as error:
        raise TariffError(f"{path.name}: {error}") from error
    return document


def read_target_market(path: Path) -> dict:
    """A product's POG target market from a data file, checked by the catalog's validator as
    the admin checks one: a file that is not valid is refused with its name and what is
    wrong."""
    document = json.loads(path.read_text(encoding="utf-8"))
    market = {key: value for key, value in document.items() if key != "product"}
    try:
        validate_target_market(market)
    except ValidationError as error:
        raise ValidationError(f"{path.name}: {'; '.join(error.messages)}") from error
    return {"product": document["product"], "market": market}


# The demo products' target markets (illustrative), by product code.
TARGET_MARKETS = {
    item["product"]: item["market"]
    for item in map(
        read_target_market, sorted((Path(__file__).parent / "target_markets").glob("*.json"))
    )
}

# The demo products' tariffs, by product code: illustrative numbers, as data. RCP's rules
# follow the products brief §1.2: lawyers (DM 22/09/2016) and health professionals
# (L. 24/2017 art. 11).
DEMO_TARIFFS = {
    document["product"]: document for document in map(read_tariff, sorted(TARIFFS.glob("*.json")))
}

# The brief's worked example: an architect, net 689.85, tax 153.49, gross 843.34 in 2 rates.
ARCHITECT_EXAMPLE = {
    "professional_class": "TEC-B",
    "turnover_band": "F2",
    "limit": "500000",
    "deductible": "2500",
    "retroactivity": "5",
    "instalments": "2",
}


def _choice(name, label, choices):
    return {"name": name, "label": label, "type": "choice", "choices": choices}


def _number(name, label, minimum, maximum, step="1", **review):
    return {
        "name": name,
        "label": label,
        "type": "decimal",
        "min": minimum,
        "max": maximum,
        "step": step,
        **review,
    }


def _flag(name, label, reason):
    """A yes/no declaration that sends the practice to the MGA's review when ticked."""
    return {
        "name": name,
        "label": label,
        "type": "boolean",
        "required": False,
        "review_when": ["True"],
        "review_reason": reason,
    }


INSTALMENTS = [["1", "Annuale"], ["2", "Semestrale (+3%)"], ["4", "Trimestrale (+4%)"]]

QUESTIONNAIRES = {
    "RCP": [
        _choice(
            "professional_class",
            "Professione",
            [
                ["TEC-A", "Geometra, perito industriale"],
                ["TEC-B", "Architetto, ingegnere"],
                ["ECO", "Commercialista, consulente del lavoro"],
                ["LEG", "Avvocato"],
                ["MED-A", "Medico non chirurgo, infermiere, fisioterapista"],
            ],
        ),
        _choice(
            "turnover_band",
            "Fatturato dell'ultimo esercizio",
            [
                ["F1", "fino a € 30.000"],
                ["F2", "€ 30.000 – 70.000"],
                ["F3", "€ 70.000 – 150.000"],
                ["F4", "€ 150.000 – 300.000"],
                ["F5", "€ 300.000 – 500.000"],
            ],
        ),
        _choice(
            "limit",
            "Massimale",
            [
                ["250000", "€ 250.000"],
                ["500000", "€ 500.000"],
                ["1000000", "€ 1.000.000"],
                ["1500000", "€ 1.500.000"],
                ["2000000", "€ 2.000.000"],
                ["2500000", "€ 2.500.000"],
                ["3000000", "€ 3.000.000 (da valutare con l'MGA)"],
                ["5000000", "€ 5.000.000 (da valutare con l'MGA)"],
            ],
        ),
        _choice(
            "deductible",
            "Franchigia",
            [
                ["500", "€ 500"],
                ["1000", "€ 1.000"],
                ["2500", "€ 2.500"],
                ["5000", "€ 5.000"],
                ["scoperto10", "Scoperto 10% (minimo € 1.000)"],
            ],
        ),
        _choice(
            "retroactivity",
            "Retroattività",
            [
                ["0", "Nessuna"],
                ["2", "2 anni"],
                ["5", "5 anni"],
                ["10", "10 anni"],
                ["illimitata", "Illimitata"],
            ],
        ),
        # Claims first made after the end of cover, for acts done before it (products brief
        # §1.1); its premium is paid when the activity ends, not in the annual premium.
        {
            **_choice(
                "run_off_years",
                "Ultrattività / postuma dopo la cessazione",
                [["0", "Nessuna"], ["5", "5 anni"], ["10", "10 anni"]],
            ),
            "required": False,
        },
        _choice("instalments", "Frazionamento", INSTALMENTS),
        # Non-standard risks go to the MGA's underwriter (products brief §1.5).
        _flag(
            "claims_last_5_years",
            "Sinistri o circostanze note negli ultimi 5 anni",
            "Sinistri o circostanze dichiarati negli ultimi 5 anni",
        ),
        _flag(
            "past_refusal",
            "Rifiuto o disdetta da un precedente assicuratore",
            "Rifiuto o disdetta da un precedente assicuratore",
        ),
    ],
    "CAU": [
        _choice(
            "bond_type",
            "Tipo di garanzia",
            [
                ["provvisoria", "Provvisoria (gara)"],
                ["definitiva_lavori", "Definitiva lavori"],
                ["definitiva_servizi", "Definitiva servizi e forniture"],
                ["anticipazione", "Anticipazione"],
                ["locazione_abitativa", "Locazione abitativa"],
                ["locazione_commerciale", "Locazione commerciale"],
            ],
        ),
        _choice(
            "credit_class",
            "Classe di merito del contraente",
            [["A", "A – bilanci solidi"], ["B", "B – standard"], ["C", "C – da valutare"]],
        ),
        _number("sum_guaranteed", "Somma garantita (€)", "1", "10000000", "0.01"),
        _number("months", "Durata (mesi)", "1", "120"),
    ],
    "INF": [
        _choice(
            "occupation_class",
            "Classe di rischio professionale",
            [
                ["1", "1 – ufficio, libero professionista"],
                ["2", "2 – cantiere, medico, tassista"],
                ["3", "3 – elettricista, idraulico, meccanico"],
                ["4", "4 – muratore, lavori in quota"],
            ],
        ),
        # Above these amounts the MGA's underwriter looks at the risk (products brief §3.5).
        _number(
            "death_capital",
            "Capitale caso morte (€)",
            "0",
            "1000000",
            review_above="500000",
            review_reason="Capitale caso morte oltre € 500.000",
        ),
        _number(
            "disability_capital",
            "Capitale invalidità permanente (€)",
            "0",
            "1500000",
            review_above="750000",
            review_reason="Capitale invalidità permanente oltre € 750.000",
        ),
        _number(
            "daily_allowance",
            "Diaria inabilità temporanea (€ al giorno)",
            "0",
            "300",
            review_above="150",
            review_reason="Diaria oltre € 150 al giorno",
        ),
        _choice(
            "disability_deductible",
            "Franchigia invalidità permanente",
            [["0", "Nessuna"], ["3", "3%"], ["5", "5%"], ["10", "10%"]],
        ),
        _choice(
            "scope",
            "Estensione",
            [
                ["24h", "24 ore"],
                ["professionale", "Solo attività professionale"],
                ["extraprofessionale", "Solo tempo libero"],
            ],
        ),
        _choice(
            "sports",
            "Sport praticati",
            [
                ["nessuno", "Nessuno o a basso rischio"],
                ["rischio_medio", "A rischio medio (+15%)"],
                ["rischio_alto", "A rischio elevato (da valutare)"],
            ],
        ),
        _choice("instalments", "Frazionamento", INSTALMENTS[:2]),
        _flag(
            "existing_conditions",
            "Invalidità preesistenti o patologie da dichiarare",
            "Invalidità preesistenti o patologie dichiarate",
        ),
    ],
}


def _claim_type(code, label, *documents):
    return {
        "code": code,
        "label": label,
        "documents": [
            {"code": doc_code, "label": doc_label, "required": required}
            for doc_code, doc_label, required in documents
        ],
    }


_CLAIM_FORM = ("modulo", "Modulo di denuncia (chi, cosa, quando, importo)", True)
# Claim types and the documents to open one (products brief §1.4, §2.4, §3.4; illustrative).
CLAIM_TYPES = {
    "RCP": [
        _claim_type(
            "richiesta_danni",
            "Richiesta di risarcimento scritta",
            _CLAIM_FORM,
            ("lettera_terzo", "Lettera del terzo danneggiato", True),
            ("incarico", "Lettera d'incarico o contratto con il cliente", False),
            ("corrispondenza", "Corrispondenza", False),
        ),
        _claim_type(
            "citazione",
            "Atto di citazione o mediazione",
            _CLAIM_FORM,
            ("atto", "Atto di citazione o istanza di mediazione", True),
            ("incarico", "Lettera d'incarico o contratto con il cliente", False),
        ),
        _claim_type(
            "circostanza",
            "Circostanza notificata",
            _CLAIM_FORM,
            ("relazione", "Relazione sui fatti", True),
        ),
    ],
    "CAU": [
        _claim_type(
            "escussione",
            "Escussione della garanzia",
            _CLAIM_FORM,
            ("richiesta_beneficiario", "Richiesta scritta del beneficiario (PEC)", True),
            ("atto_presupposto", "Atto presupposto (revoca, risoluzione, verbale)", True),
            ("conteggio", "Conteggio della somma richiesta", False),
        ),
    ],
    "INF": [
        _claim_type(
            "invalidita",
            "Invalidità permanente",
            _CLAIM_FORM,
            ("certificato_medico", "Primo certificato medico o verbale di pronto soccorso", True),
            ("cartella_clinica", "Cartella clinica", False),
            ("guarigione", "Certificato di guarigione", False),
        ),
        _claim_type(
            "ricovero",
            "Ricovero ospedaliero",
            _CLAIM_FORM,
            ("cartella_clinica", "Cartella clinica", True),
        ),
        _claim_type(
            "morte",
            "Morte",
            _CLAIM_FORM,
            ("certificato_morte", "Certificato di morte", True),
            ("eredi", "Dichiarazione sostitutiva sugli eredi", True),
        ),
    ],
}

# Coverages of the demo products: (code, name, description, optional, limit answer, deductible
# answer). Limits and deductibles are chosen in the questionnaire.
COVERAGES = {
    "RCP": [
        (
            "rc_professionale",
            "Responsabilità civile professionale",
            "Perdite patrimoniali cagionate a terzi nell'esercizio della professione, "
            "in forma claims made.",
            False,
            "limit",
            "deductible",
        ),
        (
            "retroattivita",
            "Retroattività",
            "Copre le richieste per fatti avvenuti prima della decorrenza, nel periodo scelto.",
            True,
            "retroactivity",
            "",
        ),
        (
            "ultrattivita",
            "Ultrattività / postuma",
            "Copre le richieste fatte dopo la scadenza, per fatti anteriori, per gli anni scelti; "
            "il premio si paga una tantum alla cessazione dell'attività.",
            True,
            "run_off_years",
            "",
        ),
    ],
    "CAU": [
        (
            "cauzione",
            "Garanzia fideiussoria",
            "Garanzia a favore del beneficiario per l'obbligazione indicata in polizza.",
            False,
            "sum_guaranteed",
            "",
        ),
    ],
    "INF": [
        ("morte", "Morte da infortunio", "", False, "death_capital", ""),
        (
            "invalidita",
            "Invalidità permanente da infortunio",
            "",
            False,
            "disability_capital",
            "disability_deductible",
        ),
        ("diaria", "Diaria da inabilità temporanea", "", True, "daily_allowance", ""),
    ],
}

# How each demo product covers claims (products brief §1.1): Product fields, set by seed_demo.
COVER_BASIS = {
    "RCP": {
        "cover_basis": "claims_made",
        "retroactivity_answer": "retroactivity",
        "run_off_answer": "run_off_years",
    },
    "CAU": {"cover_basis": "occurrence"},
    "INF": {"cover_basis": "occurrence"},
}

# Pre-contractual documents of the demo products (rendered to PDF by seed_demo).
PRODUCT_DOCUMENTS = ("dip", "dip_aggiuntivo", "condizioni")


def install_coverages(product) -> None:
    """Create or update the demo coverages of `product` (by its code)."""
    for order, (code, name, text, optional, limit, deductible) in enumerate(
        COVERAGES[product.code]
    ):
        Coverage.objects.update_or_create(
            product=product,
            code=code,
            defaults={
                "name": name,
                "description": text,
                "optional": optional,
                "limit_answer": limit,
                "deductible_answer": deductible,
                "order": order,
            },
        )


# Documents a firm uploads before issuing (the infortuni and cauzioni demo products).
REQUIRED_DOCUMENTS = {
    "RCP": [],
    "CAU": [{"code": "visura", "label": "Visura camerale del contraente"}],
    "INF": [{"code": "identita", "label": "Documento d'identità dell'assicurato"}],
}


def _need(name, label, choices, consistent):
    return {"name": name, "label": label, "choices": choices, "consistent": consistent}


_YES_NO = [["si", "Sì"], ["no", "No"]]
# Demands-and-needs questionnaires of the demo products (regulatory brief §3.2; illustrative).
NEEDS_QUESTIONNAIRES = {
    "RCP": {
        "version": "2026-01",
        "questions": [
            _need(
                "need",
                "Il cliente vuole assicurare la responsabilità civile della sua professione?",
                _YES_NO,
                ["si"],
            ),
            _need(
                "registered",
                "È iscritto a un albo o esercita una professione regolamentata?",
                _YES_NO,
                ["si"],
            ),
            _need(
                "other_policy",
                "Ha già una polizza RC professionale in corso sullo stesso rischio?",
                _YES_NO,
                ["no"],
            ),
        ],
    },
    "CAU": {
        "version": "2026-01",
        "questions": [
            _need(
                "need",
                "Il cliente deve prestare una garanzia a favore di un beneficiario?",
                _YES_NO,
                ["si"],
            ),
            _need(
                "first_demand",
                "Il beneficiario chiede una garanzia autonoma «a prima richiesta» fuori dagli "
                "schemi di legge?",
                _YES_NO,
                ["no"],
            ),
        ],
    },
    "INF": {
        "version": "2026-01",
        "questions": [
            _need(
                "need",
                "Il cliente vuole un capitale in caso di morte o invalidità da infortunio?",
                _YES_NO,
                ["si"],
            ),
            _need(
                "age",
                "Età dell'assicurato",
                [["18-75", "Da 18 a 75 anni"], ["oltre", "Oltre 75 anni"], ["minore", "Minorenne"]],
                ["18-75"],
            ),
        ],
    },
}


# The demo insurer's products: code, name, ramo.
PRODUCTS = [
    ("RCP", "RC Professionale", 13),
    ("CAU", "Cauzioni e fideiussioni", 15),
    ("INF", "Infortuni", 1),
]


def install_demo_catalog() -> None:
    """The demo insurer, its three products (RCP, CAU, INF) with coverages, pre-contractual
    documents and tariff, idempotently (seed_demo and seed_scale)."""
    insurer, _ = Insurer.objects.get_or_create(
        ivass_code="D999", defaults={"name": "Compagnia Esempio Assicurazioni S.p.A."}
    )
    install_demo_binder(insurer)
    for code, name, ramo in PRODUCTS:
        product, _ = Product.objects.update_or_create(
            code=code,
            defaults={
                "insurer": insurer,
                "name": name,
                "line_of_business": ramo,
                "questionnaire": QUESTIONNAIRES[code],
                "claim_types": CLAIM_TYPES[code],
                "required_documents": REQUIRED_DOCUMENTS[code],
                "needs_questionnaire": NEEDS_QUESTIONNAIRES[code],
                "target_market": TARGET_MARKETS[code],
                **COVER_BASIS[code],
            },
        )
        install_coverages(product)
        for kind in PRODUCT_DOCUMENTS:
            if not product.documents.filter(kind=kind).exists():
                label = ProductDocument.Kind(kind).label
                rendered = render_pdf(
                    template="devdata/demo_document.html",
                    context={"title": label, "product": product, "version": "2026-01"},
                    name=f"{kind}-{code.lower()}-2026-01.pdf",
                )
                ProductDocument.objects.create(
                    product=product,
                    kind=kind,
                    version="2026-01",
                    valid_from=date(2026, 1, 1),
                    file=store_file(actor=None, validated=rendered),
                )
        document = DEMO_TARIFFS[code]
        if not product.tariffs.filter(version=document["version"]).exists():
            save_tariff_version(
                version=TariffVersion(
                    product=product,
                    version=document["version"],
                    valid_from=date(2026, 1, 1),
                    document=document,
                )
            )
