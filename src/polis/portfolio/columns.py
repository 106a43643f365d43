"""The file's layout, shared by the template, the import and the export (so that an export
imports back): one row per policy, with its client."""

from typing import NamedTuple

from django.utils.translation import gettext_lazy as _


class Column(NamedTuple):
    name: str
    required: bool
    help: str
    example_person: str
    example_company: str


COLUMNS = [
    Column("tipo_cliente", True, _("PF (persona fisica) o PG (persona giuridica)."), "PF", "PG"),
    Column("cognome", False, _("Persona fisica: obbligatorio."), "Rossi", ""),
    Column("nome", False, _("Persona fisica: obbligatorio."), "Mario", ""),
    Column(
        "ragione_sociale", False, _("Persona giuridica: obbligatoria."), "", "Studio Bianchi Srl"
    ),
    Column(
        "codice_fiscale",
        False,
        _("Persona fisica: 16 caratteri, controllati con il carattere di controllo."),
        "RSSMRA80A01H501U",
        "",
    ),
    Column(
        "partita_iva",
        False,
        _("Persona giuridica: 11 cifre, controllate con la cifra di controllo."),
        "",
        "01234560157",
    ),
    Column("data_nascita", False, _("gg/mm/aaaa; persona fisica."), "01/01/1980", ""),
    Column("sesso", False, _("M o F; persona fisica."), "M", ""),
    Column(
        "email", True, _("E-mail del contraente."), "mario.rossi@example.com", "info@example.com"
    ),
    Column(
        "cellulare",
        True,
        _("Cellulare, anche con +39 (serve per la firma FEA)."),
        "+393331234567",
        "+393471234567",
    ),
    Column("pec", False, _("PEC, facoltativa."), "", "studio.bianchi@pec.example.com"),
    Column("indirizzo", True, _("Via e numero civico."), "Via Roma 1", "Corso Italia 10"),
    Column("cap", True, _("5 cifre."), "00100", "20121"),
    Column("comune", True, _("Comune di residenza o sede."), "Roma", "Milano"),
    Column("provincia", True, _("Sigla di 2 lettere."), "RM", "MI"),
    Column(
        "compagnia",
        True,
        _("Codice IVASS della compagnia che ha emesso la polizza."),
        "D999",
        "D999",
    ),
    Column(
        "prodotto", True, _("Codice del prodotto nel catalogo (es. RCP, INF, CAU)."), "INF", "RCP"
    ),
    Column(
        "numero_polizza",
        True,
        _("Il numero della polizza: resta quello (massimo 20 caratteri)."),
        "VEC-2025-000123",
        "VEC-2025-000124",
    ),
    Column("decorrenza", True, _("Inizio del periodo, gg/mm/aaaa."), "01/03/2026", "15/01/2026"),
    Column("scadenza", True, _("Fine del periodo, gg/mm/aaaa."), "01/03/2027", "15/01/2027"),
    Column(
        "premio_lordo",
        True,
        _("Premio annuo lordo in euro: 1.234,56 oppure 1234.56."),
        "250,00",
        "1.180,50",
    ),
    Column(
        "risposte",
        True,
        _(
            "Le risposte al questionario del prodotto, come nome=valore separati da « | »: "
            "servono a rinnovare la polizza con la tariffa in vigore."
        ),
        "",
        "",
    ),
]
NAMES = [column.name for column in COLUMNS]
REQUIRED = {column.name for column in COLUMNS if column.required}
