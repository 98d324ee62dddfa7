"""Walk the consent records' hash chain and name the first record altered or removed."""

from django.core.management.base import BaseCommand, CommandError

from consent import chain, summary


class Command(BaseCommand):
    help = "Verify that no consent record was altered or removed (exit status 1 if one was)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild-summary", action="store_true",
            help="also recompute the weekly overview's per-day summary from the records "
                 "(needed after changing TIME_ZONE, or after restoring records by hand)",
        )

    def handle(self, *args, rebuild_summary=False, **options):
        result = chain.verify()
        if not result.ok:
            raise CommandError(
                f"Consent records FAILED verification: {result.problem}. "
                f"{result.checked} record(s) before it verified."
            )
        self.stdout.write(f"Consent records verified: {result.checked} record(s), chain intact.")
        if rebuild_summary:
            summary.rebuild()
            self.stdout.write("The weekly overview's summary was recomputed from the records.")
