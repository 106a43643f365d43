from django.core.management.base import BaseCommand, CommandError

from polis.ledger.audit import verify_ledger


class Command(BaseCommand):
    help = "Public ledger: `verify` recomputes the tree and checks every signed checkpoint."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="recompute the tree and check every checkpoint")

    def handle(self, *args, action: str, **options):
        if action == "verify":
            report = verify_ledger()
            for problem in report.problems:
                self.stderr.write(problem)
            if not report.ok:
                raise CommandError(f"Registro NON integro: {len(report.problems)} problemi.")
            self.stdout.write(
                f"Registro integro: {report.size} voci, {report.checkpoints} checkpoint verificati."
            )
