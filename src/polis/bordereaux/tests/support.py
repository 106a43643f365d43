"""A binder with every reference the bordereaux need, for tests."""

from polis.bordereaux.models import Binder
from polis.quotes.tests.factories import demo_product


def full_binder() -> Binder:
    insurer = demo_product("RCP").insurer
    binder, _ = Binder.objects.update_or_create(
        insurer=insurer,
        defaults={
            "umr": "B0999RCP2026",
            "agreement_number": "RCP2026",
            "coverholder_name": "Heca MGA",
            "coverholder_pin": "123456ABC",
            "year_of_account": 2026,
            "risk_code": "E7",
            "class_of_business": "Professional Indemnity",
            "type_of_insurance": "Direct",
            "lloyds_platform": "LIDS",
        },
    )
    return binder
