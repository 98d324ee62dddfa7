"""Index everything public afresh (after restoring a backup, or to measure re-indexing)."""

import time

from django.core.management.base import BaseCommand

from search import index, registry


class Command(BaseCommand):
    help = "Rebuild the site search index from the published content."

    def add_arguments(self, parser):
        parser.add_argument("kinds", nargs="*", help="Only these kinds (default: all).")

    def handle(self, *args, kinds=(), **options):
        known = {kind.name for kind in registry.kinds()}
        unknown = set(kinds) - known
        if unknown:
            self.stderr.write(f"Unknown kinds: {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}.")
            raise SystemExit(2)
        started = time.perf_counter()
        written = index.rebuild(kinds or None)
        self.stdout.write(f"Indexed {written} entries in {time.perf_counter() - started:.2f} s.")
