"""Stream consent records to standard output (or a file) as CSV or JSON lines."""

import argparse
import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from consent.export import csv_lines, jsonl_lines
from consent.models import ConsentRecord


def parse_since(value):
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a date like 2025-01-31, not {value!r}") from None
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class Command(BaseCommand):
    help = "Export consent records made on or after --since, oldest first, in constant memory."

    def add_arguments(self, parser):
        parser.add_argument("--since", type=parse_since, help="YYYY-MM-DD (default: all)")
        parser.add_argument("--format", choices=["csv", "jsonl"], default="csv")
        parser.add_argument("--output", help="file to write (default: standard output)")

    def handle(self, *args, since=None, format="csv", output=None, **options):
        records = ConsentRecord.objects.order_by("sequence")
        if since:
            records = records.filter(created_at__gte=since)
        lines = csv_lines(records) if format == "csv" else jsonl_lines(records)
        header = 1 if format == "csv" else 0
        if output:
            with open(output, "w", encoding="utf-8", newline="") as target:
                count = sum(1 for line in lines if target.write(line) is not None) - header
            self.stderr.write(f"Exported {count} consent record(s) to {output}.")
        else:
            count = -header
            for line in lines:
                self.stdout.write(line, ending="")
                count += 1
            self.stderr.write(f"Exported {count} consent record(s).")
