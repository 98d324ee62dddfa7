"""Delete consent records past the retention period, keeping the rest of the chain provable."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from consent import chain, conf


class Command(BaseCommand):
    help = (
        "Delete consent records older than --older-than days (default: CONSENT_RETENTION_DAYS, "
        "the consent lifetime plus a year) and leave a checkpoint where the chain now starts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, dest="days")
        parser.add_argument("--dry-run", action="store_true", help="only say what would go")

    def handle(self, *args, days=None, dry_run=False, **options):
        days = conf.CONSENT_RETENTION_DAYS if days is None else days
        if days < 0:
            raise CommandError("--older-than must be a number of days, 0 or more.")
        if days < conf.CONSENT_MAX_AGE_DAYS:
            self.stderr.write(
                f"Warning: {days} days is shorter than the consent lifetime "
                f"({conf.CONSENT_MAX_AGE_DAYS} days): live consents lose their proof."
            )
        cutoff = timezone.now() - datetime.timedelta(days=days)
        count, first, last = chain.purge(cutoff, dry_run=dry_run)
        when = f"made before {cutoff:%Y-%m-%d %H:%M} UTC"
        if not count:
            self.stdout.write(f"No consent records {when}: nothing to remove.")
        elif dry_run:
            self.stdout.write(f"Would remove {count} consent record(s) {when} (#{first} to #{last}).")
        else:
            self.stdout.write(
                f"Removed {count} consent record(s) {when} (#{first} to #{last}); "
                f"the chain now starts at #{last + 1}."
            )
