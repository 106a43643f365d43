"""Demo data for development: the two demo firms and a user for each role, idempotently."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from polis.accounts.models import Firm, User
from polis.ledger.services import integrate_all, record_demo_events
from polis.web.faq_seed import load_seed_faq
from polis.web.models import FaqEntry

DEMO_PASSWORD = "polis-demo-2026"  # noqa: S105 - development only, refused without DEBUG
# Fixed TOTP key (base32 JBSWY3DPEHPK3PXP) so the demo staff can be added to any app.
DEMO_TOTP_HEX = "48656c6c6f21deadbeef"

FIRMS = [
    {
        "name": "Agenzia Rossi Assicurazioni S.r.l.",
        "partita_iva": "12345670157",
        "rui_section": "A",
        "rui_number": "A000123456",
        "address": "Via Dante 12",
        "city": "Milano",
        "postal_code": "20121",
        "province": "MI",
        "pec": "agenzia.rossi@pec.example.it",
    },
    {
        "name": "Broker Bianchi & Partners S.r.l.",
        "partita_iva": "22222220158",
        "rui_section": "B",
        "rui_number": "B000654321",
        "address": "Corso Vittorio Emanuele 5",
        "city": "Torino",
        "postal_code": "10121",
        "province": "TO",
        "pec": "bianchi.broker@pec.example.it",
    },
]

USERS = [
    ("admin@polis.local", "Anna", "Amministratrice", User.Role.ADMIN, None, False),
    ("operatore@polis.local", "Olga", "Operatrice", User.Role.OPERATOR, None, False),
    ("liquidatore@polis.local", "Luca", "Liquidatore", User.Role.ADJUSTER, None, False),
    ("mario.rossi@agenzia-rossi.example.it", "Mario", "Rossi", User.Role.COLLABORATOR, 0, True),
    ("giulia.verdi@agenzia-rossi.example.it", "Giulia", "Verdi", User.Role.COLLABORATOR, 0, False),
    (
        "paolo.bianchi@bianchi-broker.example.it",
        "Paolo",
        "Bianchi",
        User.Role.COLLABORATOR,
        1,
        True,
    ),
]


class Command(BaseCommand):
    help = "Create the demo firms and users (development only, idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo is for development only: DEBUG is off.")
        load_seed_faq(FaqEntry)
        firms = []
        for data in FIRMS:
            firm, _ = Firm.objects.get_or_create(partita_iva=data["partita_iva"], defaults=data)
            if firm.status != Firm.Status.APPROVED:
                firm.status = Firm.Status.APPROVED
                firm.save(update_fields=["status"])
            firms.append(firm)
        for email, first, last, role, firm_index, firm_admin in USERS:
            if User.objects.filter(email=email).exists():
                continue
            user = User.objects.create_user(
                email,
                DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                role=role,
                firm=None if firm_index is None else firms[firm_index],
                is_firm_admin=firm_admin,
                is_staff=role == User.Role.ADMIN,
                is_superuser=role == User.Role.ADMIN,
            )
            if user.requires_two_factor:
                TOTPDevice.objects.create(user=user, name="demo", key=DEMO_TOTP_HEX, confirmed=True)
        record_demo_events()
        transaction.on_commit(integrate_all)
        if options["verbosity"] == 0:
            return
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(f"Password of every demo account: {DEMO_PASSWORD}")
        for email, _first, _last, role, _firm, _admin in USERS:
            self.stdout.write(f"  {role.label:<14} {email}")
        self.stdout.write(
            "Operators and administrators use two-factor authentication: add the "
            "key JBSWY3DPEHPK3PXP to an authenticator app, or run "
            "`make otp` for the current code."
        )
