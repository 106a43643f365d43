"""The three demo products (shared/domain/products-brief.md): illustrative numbers, as data.

Tax rates marked (unconfirmed) in the brief live here, in the tariff version, so an
administrator changes them by loading a new version, not by changing code.
"""

from datetime import date

from polis.catalog.models import Coverage, Insurer, Product, ProductDocument, TariffVersion
from polis.documents.pdf import render_pdf
from polis.documents.services import store_file

RC_CLASSES = {
    "TEC-A": [280, 380, 560, 850, 1250],
    "TEC-B": [380, 520, 780, 1200, 1800],
    "ECO": [420, 560, 820, 1250, 1900],
    "LEG": [300, 420, 650, 1000, 1500],
    "MED-A": [350, 480, 700, 1050, "refer"],
}
BANDS = ["F1", "F2", "F3", "F4", "F5"]

RC_PROFESSIONALE = {
    "product": "RCP",
    "version": "2026-01",
    "tax_rate": "0.2225",
    "commission_rate": "0.15",
    "components": [
        {
            "kind": "lookup",
            "label": "Premio base RC professionale (massimale € 250.000)",
            "keys": ["professional_class", "turnover_band"],
            "table": {
                cls: dict(zip(BANDS, prices, strict=True)) for cls, prices in RC_CLASSES.items()
            },
        }
    ],
    "factors": [
        {
            "label": "Massimale",
            "answer": "limit",
            "values": {
                "250000": "1.00",
                "500000": "1.40",
                "1000000": "1.85",
                "1500000": "2.15",
                "2000000": "2.40",
                "2500000": "2.60",
                "3000000": "refer",
                "5000000": "refer",
            },
        },
        {
            "label": "Franchigia",
            "answer": "deductible",
            "values": {
                "500": "1.05",
                "1000": "1.00",
                "2500": "0.92",
                "5000": "0.85",
                "scoperto10": "0.90",
            },
        },
        {
            "label": "Retroattività",
            "answer": "retroactivity",
            "values": {"0": "0.85", "2": "0.95", "5": "1.00", "10": "1.10", "illimitata": "1.20"},
        },
    ],
    "minimum": {"amount": "250"},
    "instalments": {"1": "0", "2": "0.03", "4": "0.04"},
    "rules": [
        # Lawyers (DM 22/09/2016): band minimum limit by turnover, unlimited retroactivity,
        # 10 years of ultrattività. Health professionals (L. 24/2017 art. 11): 10 years back, 10
        # years of run-off. Products brief §1.1-§1.2.
        *(
            {
                "when": {"professional_class": ["LEG"], "turnover_band": bands},
                "answer": "limit",
                "at_least": minimum,
                "reason": f"Per un avvocato con {who} il massimale minimo di legge è € {label}.",
            }
            for bands, minimum, label, who in (
                (["F1"], "350000", "350.000", "fatturato fino a € 30.000"),
                (["F2"], "500000", "500.000", "fatturato tra € 30.000 e € 70.000"),
                (["F3", "F4", "F5"], "1000000", "1.000.000", "fatturato oltre € 70.000"),
            )
        ),
        {
            "when": {"professional_class": ["LEG"]},
            "answer": "retroactivity",
            "allowed": ["illimitata"],
            "reason": "Per gli avvocati la retroattività è illimitata (DM 22/09/2016).",
        },
        {
            "when": {"professional_class": ["LEG"]},
            "answer": "run_off_years",
            "allowed": ["10"],
            "reason": "Per gli avvocati l'ultrattività è di almeno 10 anni (DM 22/09/2016).",
        },
        {
            "when": {"professional_class": ["MED-A"]},
            "answer": "retroactivity",
            "allowed": ["10", "illimitata"],
            "reason": "Per le professioni sanitarie la retroattività è di almeno 10 anni "
            "(L. 24/2017).",
        },
        {
            "when": {"professional_class": ["MED-A"]},
            "answer": "run_off_years",
            "allowed": ["10"],
            "reason": "Per le professioni sanitarie l'ultrattività è di 10 anni (L. 24/2017).",
        },
    ],
}

CAUZIONE = {
    "product": "CAU",
    "version": "2026-01",
    "tax_rate": "0.125",
    "commission_rate": "0.20",
    "components": [
        {
            "kind": "sum_time",
            "label": "Premio cauzione",
            "amount": "sum_guaranteed",
            "months": "months",
            "by": ["bond_type", "credit_class"],
            "rates": {
                "provvisoria": {"A": "0.0020", "B": "0.0030", "C": "refer"},
                "definitiva_lavori": {"A": "0.0090", "B": "0.0130", "C": "refer"},
                "definitiva_servizi": {"A": "0.0070", "B": "0.0100", "C": "refer"},
                "anticipazione": {"A": "0.0120", "B": "0.0180", "C": "refer"},
                "locazione_abitativa": {"A": "0.0200", "B": "0.0300", "C": "refer"},
                "locazione_commerciale": {"A": "0.0250", "B": "0.0350", "C": "refer"},
            },
            "flat_when": {"bond_type": ["provvisoria"]},
            "min_months": {
                "definitiva_lavori": 12,
                "definitiva_servizi": 12,
                "anticipazione": 12,
                "locazione_abitativa": 12,
                "locazione_commerciale": 12,
            },
        }
    ],
    "minimum": {
        "by": "bond_type",
        "values": {
            "provvisoria": "100",
            "definitiva_lavori": "250",
            "definitiva_servizi": "200",
            "anticipazione": "300",
            "locazione_abitativa": "150",
            "locazione_commerciale": "250",
        },
    },
    "instalments": {"1": "0"},
}

INFORTUNI = {
    "product": "INF",
    "version": "2026-01",
    "tax_rate": "0.025",
    "commission_rate": "0.18",
    "components": [
        {
            "kind": "rate",
            "label": "Morte",
            "amount": "death_capital",
            "per": "1000",
            "by": "occupation_class",
            "rates": {"1": "0.50", "2": "0.80", "3": "1.20", "4": "1.80"},
        },
        {
            "kind": "rate",
            "label": "Invalidità permanente",
            "amount": "disability_capital",
            "per": "1000",
            "by": "occupation_class",
            "rates": {"1": "0.90", "2": "1.50", "3": "2.60", "4": "3.80"},
        },
        {
            "kind": "rate",
            "label": "Inabilità temporanea (diaria)",
            "amount": "daily_allowance",
            "by": "occupation_class",
            "rates": {"1": "2.50", "2": "4.00", "3": "6.50", "4": "9.50"},
        },
    ],
    "factors": [
        {
            "label": "Franchigia invalidità permanente",
            "answer": "disability_deductible",
            "values": {"0": "1.30", "3": "1.00", "5": "0.90", "10": "0.75"},
        },
        {
            "label": "Estensione",
            "answer": "scope",
            "values": {"24h": "1.00", "professionale": "0.70", "extraprofessionale": "0.60"},
        },
        {
            "label": "Sport",
            "answer": "sports",
            "values": {"nessuno": "1.00", "rischio_medio": "1.15", "rischio_alto": "refer"},
        },
    ],
    "minimum": {"amount": "80"},
    "instalments": {"1": "0", "2": "0.03"},
}

DEMO_TARIFFS = {"RCP": RC_PROFESSIONALE, "CAU": CAUZIONE, "INF": INFORTUNI}

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
                **COVER_BASIS[code],
            },
        )
        install_coverages(product)
        for kind in PRODUCT_DOCUMENTS:
            if not product.documents.filter(kind=kind).exists():
                label = ProductDocument.Kind(kind).label
                rendered = render_pdf(
                    template="catalog/demo_document.html",
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
        TariffVersion.objects.get_or_create(
            product=product,
            version=document["version"],
            defaults={"valid_from": date(2026, 1, 1), "document": document},
        )
