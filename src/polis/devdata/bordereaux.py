"""The demo insurer's binder references, made up for the demo (a real binder's come from the
insurer): with them the demo data's bordereaux pass the mandatory-field check."""

from polis.bordereaux.models import Binder
from polis.catalog.models import Insurer

DEMO_BINDER = {
    "umr": "B0999D9992026",
    "agreement_number": "D999-2026",
    "coverholder_name": "Heca S.r.l.",
    "coverholder_pin": "999999HEC",
    "lead_syndicate": "9999",
    "year_of_account": 2026,
    "risk_code": "E7",
    "class_of_business": "Professional Indemnity",
    "type_of_insurance": "Direct",
    "lloyds_platform": "Lloyd's Europe",
}


def install_demo_binder(insurer: Insurer) -> None:
    Binder.objects.get_or_create(insurer=insurer, defaults=DEMO_BINDER)
