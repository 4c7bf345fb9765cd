"""`manage.py send_digests [--frequency daily|weekly] [--now] [--dry-run]`: build and send the
digests of the members who are due, by hand, with a progress bar."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone
from tqdm import tqdm

from notifications import digests, outbox


class Command(BaseCommand):
    help = "Build and send the email digests of the members who are due one."

    def add_arguments(self, parser):
        parser.add_argument("--frequency", choices=["daily", "weekly"],
                            help="only members with this digest frequency")
        parser.add_argument("--now", action="store_true",
                            help="don't wait for the morning in each member's time zone")
        parser.add_argument("--dry-run", action="store_true",
                            help="count the digests that would be sent; write and send nothing")

    def handle(self, *args, frequency=None, now=False, dry_run=False, **options):
        started = timezone.now()
        ids = digests.due_user_ids(now=started, frequency=frequency, ignore_morning=now)
        totals = {"built": 0, "empty": 0, "sent": 0, "failed": 0, "cancelled": 0}
        with tqdm(total=len(ids), unit="member", desc="digests", disable=not ids,
                  file=self.stderr._out) as bar:
            for batch in digests.batches(ids):
                result = digests.build_batch(batch, now=started, frequency=frequency,
                                             ignore_morning=now, dry_run=dry_run)
                totals["built"] += result.built
                totals["empty"] += result.empty
                if not dry_run and result.outbox_ids:
                    sent = outbox.send(result.outbox_ids)
                    for key in ("sent", "failed", "cancelled"):
                        totals[key] += sent[key]
                bar.update(len(batch))
        verb = "would be sent" if dry_run else "built"
        self.stdout.write(
            f"{len(ids)} members due; {totals['built']} digests {verb}, "
            f"{totals['empty']} with nothing new"
            + ("" if dry_run else f"; {totals['sent']} sent, {totals['failed']} failed, "
                                  f"{totals['cancelled']} cancelled")
        )
