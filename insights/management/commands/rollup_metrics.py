from __future__ import annotations

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from insights import rollup
from insights.periods import today


class Command(BaseCommand):
    help = "Roll up daily insights figures per community (yesterday, or from --since)."

    def add_arguments(self, parser):
        parser.add_argument("--since", help="First day to roll up, YYYY-MM-DD (UTC).")
        parser.add_argument("--until", help="Last day, YYYY-MM-DD (default: yesterday).")
        parser.add_argument("--recount", action="store_true",
                            help="Count the first day's member windows over every member "
                                 "(as a backfill longer than a week does).")

    def handle(self, *args, since=None, until=None, recount=False, **options):
        yesterday = today() - timedelta(days=1)
        try:
            first = date.fromisoformat(since) if since else yesterday
            last = date.fromisoformat(until) if until else yesterday
        except ValueError as error:
            raise CommandError(f"Dates are YYYY-MM-DD: {error}") from error
        if last >= today():
            raise CommandError("Only finished days are rolled up; today is computed live.")
        if first > last:
            raise CommandError("--since must be on or before --until (default: yesterday).")
        written = rollup.rollup_range(
            first, last, recount=recount,
            progress=lambda days: tqdm(days, desc="Rolling up", unit="day",
                                       file=self.stderr._out,
                                       disable=options.get("verbosity", 1) == 0),
        )
        self.stdout.write(f"Rolled up {(last - first).days + 1} days ({written} figures).")
