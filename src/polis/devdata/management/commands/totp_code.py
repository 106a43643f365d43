from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp

from polis.devdata.demo import DEMO_TOTP_HEX


class Command(BaseCommand):
    help = "Print the current two-factor code of the demo staff accounts (development only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("totp_code is for development only: DEBUG is off.")
        self.stdout.write(f"{totp(bytes.fromhex(DEMO_TOTP_HEX)):06d}")
