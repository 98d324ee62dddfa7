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
                count = write_in_batches(lines, target.write) - header
            self.stderr.write(f"Exported {count} consent record(s) to {output}.")
        else:
            count = write_in_batches(lines, lambda text: self.stdout.write(text, ending="")) - header
            self.stderr.write(f"Exported {count} consent record(s).")


def write_in_batches(lines, write, size=1000):
    """Write the lines a batch at a time (one call per line costs more than the line);
    returns how many were written."""
    count, batch = 0, []
    for line in lines:
        batch.append(line)
        if len(batch) == size:
            write("".join(batch))
            count += size
            batch.clear()
    if batch:
        write("".join(batch))
        count += len(batch)
    return count
