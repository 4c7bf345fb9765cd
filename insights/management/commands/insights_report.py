"""Write the monthly report as a PDF, or queue its email to the staff who subscribe."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from insights import report
from insights.periods import Month, today


class Command(BaseCommand):
    help = ("The monthly report: --month YYYY-MM (default: last month) --pdf FILE writes it; "
            "--email queues it to the staff who subscribe.")

    def add_arguments(self, parser):
        parser.add_argument("--month", help="The month, YYYY-MM (default: the last finished).")
        parser.add_argument("--pdf", help="Write the report to this PDF file.")
        parser.add_argument("--email", action="store_true",
                            help="Queue the report email to subscribed staff (once a month).")
        parser.add_argument("--language", default=None, help="en or es (default: settings).")

    def handle(self, *args, month=None, pdf=None, email=False, language=None, **options):
        try:
            chosen = Month.parse(month) if month else Month.last_finished()
        except ValueError as error:
            raise CommandError("Give the month as YYYY-MM, for example 2026-10.") from error
        if chosen.first_day > today():
            raise CommandError("That month has not begun.")
        if not pdf and not email:
            raise CommandError("Say what to do: --pdf FILE, --email, or both.")
        if pdf:
            context = report.report_context(community_ids=None, month=chosen,
                                            scope_label=_("All communities"))
            data = report.render_pdf(context, language=language)
            Path(pdf).write_bytes(data)
            self.stdout.write(f"Wrote the report for {chosen.key} to {pdf} ({len(data):,} bytes).")
        if email:
            made = report.report_email_queue(month=chosen)
            self.stdout.write(f"Queued {len(made)} report emails for {chosen.key}.")
