"""Load an EXAMPLE edition (a made-up report) for a publication, published and marked as an
example on every page. Never run by `make run` or load_seed_content: only on purpose."""

import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from editions.importer import ImportFailure, import_source
from editions.sample_report import write_sample
from editorial.actions import Publish
from publications.models import Publication


class Command(BaseCommand):
    help = "Import and publish a made-up example report as a publication's edition (marked as an example)."

    def add_arguments(self, parser):
        parser.add_argument("--publication", help="slug (default: the newest published publication)")

    def handle(self, publication=None, **options):
        target = (
            Publication.objects.filter(slug=publication).first() if publication
            else Publication.objects.published().first()
        )
        if target is None:
            raise CommandError("No such publication (run load_seed_content first, or give --publication).")
        if target.editions.exists():
            raise CommandError(f"{target} already has an edition; the example would mix with it.")
        with tempfile.TemporaryDirectory() as folder:
            path, _counts = write_sample(Path(folder), chapters=4, sections=3, figures=2, tables=1, title="Example report")
            try:
                version = import_source(path, target, files_prefix="imports/example/")
            except ImportFailure as error:
                raise CommandError(str(error)) from error
        edition = version.edition
        edition.example = True
        edition.save(update_fields=["example"])
        Publish(version).execute()
        self.stdout.write(f"Example edition published at /publication/{target.slug}/read/ (marked as an example).")
