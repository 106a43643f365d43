from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from polis.ledger import note
from polis.ledger.audit import verify_ledger
from polis.ledger.keys import log_verifier, witness_signer
from polis.ledger.witness import Witness, make_server


class Command(BaseCommand):
    help = "Public ledger: `verify` the whole log; `witness` serves a C2SP tlog-witness."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="recompute the tree and check every checkpoint")
        witness = sub.add_parser("witness", help="serve POST /add-checkpoint (tlog-witness)")
        witness.add_argument("--listen", default="127.0.0.1:8091", help="host:port")
        witness.add_argument(
            "--state", default=None, help="state file (default var/ledger_witness_state.json)"
        )
        witness.add_argument(
            "--log-key",
            action="append",
            default=[],
            help="verifier key of a log to witness (repeatable; default: this log)",
        )

    def handle(self, *args, action: str, **options):
        if action == "verify":
            self._verify()
        else:
            self._witness(options)

    def _verify(self):
        report = verify_ledger()
        for problem in report.problems:
            self.stderr.write(problem)
        if not report.ok:
            raise CommandError(f"Registro NON integro: {len(report.problems)} problemi.")
        self.stdout.write(
            f"Registro integro: {report.size} voci, {report.checkpoints} checkpoint verificati."
        )

    def _witness(self, options):
        try:
            signer = witness_signer()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None
        logs = [note.Verifier.parse(k) for k in options["log_key"]] or [log_verifier()]
        state = Path(options["state"] or settings.VAR_DIR / "ledger_witness_state.json")
        host, _, port = options["listen"].rpartition(":")
        server = make_server(Witness(signer, logs, state), host, int(port))
        self.stdout.write(f"witness {note.cosignature_verifier(signer)}", ending="\n")
        self.stdout.write(f"listening on http://{host}:{server.server_port}", ending="\n")
        self.stdout.flush()
        try:
            server.serve_forever()
        finally:
            server.server_close()
