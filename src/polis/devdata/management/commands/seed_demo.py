"""Demo data for development: the two demo firms and a user for each role, idempotently."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from polis.devdata.demo import DEMO_PASSWORD, USERS, install_demo


class Command(BaseCommand):
    help = "Create the demo firms and users (development only, idempotent)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo is for development only: DEBUG is off.")
        install_demo()
        if options["verbosity"] == 0:
            return
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(f"Password of every demo account: {DEMO_PASSWORD}")
        for email, _first, _last, role, _firm, _admin in USERS:
            self.stdout.write(f"  {role.label:<14} {email}")
        self.stdout.write(
            "Operators, adjusters and administrators use two-factor authentication: add the "
            "key JBSWY3DPEHPK3PXP to an authenticator app, or run "
            "`make otp` for the current code."
        )
