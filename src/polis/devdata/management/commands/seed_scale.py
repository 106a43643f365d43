"""A portfolio at production scale in an empty PostgreSQL database, for benchmarks."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from polis.devdata.scale import Plan, describe, portfolio_is_empty, seed_scale


class Command(BaseCommand):
    help = (
        "Fill an empty PostgreSQL database with firms, users, clients, practices and claims "
        "at scale (COPY), e.g. --firms 1000 --clients 200000 --practices 1000000 "
        "--claims 100000. Development and benchmark data only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--firms", type=int, default=1000)
        parser.add_argument("--clients", type=int, default=200_000)
        parser.add_argument("--practices", type=int, default=1_000_000)
        parser.add_argument("--claims", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=2026, help="random seed (repeatable)")

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_scale is for development and benchmarks only: DEBUG is off.")
        if connection.vendor != "postgresql":
            raise CommandError(
                "seed_scale loads with PostgreSQL COPY: set DATABASE_URL to a scratch "
                "PostgreSQL database (SQLite is for trying the app with `seed_demo`)."
            )
        if not portfolio_is_empty():
            raise CommandError(
                "The database already holds firms, clients, practices or claims: seed_scale "
                "only fills an empty database (create a new one and run migrate)."
            )
        plan = Plan(
            firms=options["firms"],
            clients=options["clients"],
            practices=options["practices"],
            claims=options["claims"],
            seed=options["seed"],
        )
        if min(plan.firms, plan.clients, plan.practices) < 1 or plan.claims < 0:
            raise CommandError("Give at least one firm, one client and one practice.")
        if plan.clients < plan.firms:
            raise CommandError("Give at least one client per firm.")
        log = self.stdout.write if options["verbosity"] else (lambda _text: None)
        timings = seed_scale(plan, log=log)
        if options["verbosity"]:
            counts = ", ".join(f"{count:,} {name}" for name, count in describe().items())
            self.stdout.write(self.style.SUCCESS(f"Loaded {counts} in {timings['total']:.1f} s."))
