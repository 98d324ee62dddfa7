"""Queue (or run at once) an import of a report's source as a draft edition version."""

from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from editions.models import EditionImport
from editions.tasks import import_edition, run_import
from editorial.files import private_storage
from publications.models import Publication


class Command(BaseCommand):
    help = "Import a .docx/.md/.tex/.html (or .zip) source as a draft version of a publication's edition."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("source")
        parser.add_argument("--language", default="en")
        parser.add_argument("--note", default="")
        parser.add_argument("--now", action="store_true", help="Run here instead of queueing for the worker.")

    def handle(self, slug, source, language, note, now, **options):
        publication = Publication.objects.filter(slug=slug).first()
        if publication is None:
            raise CommandError(f"No publication with the slug {slug!r}.")
        path = Path(source)
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        job = EditionImport.objects.create(publication=publication, language=language, note=note, source_name=path.name)
        with path.open("rb") as handle:
            job.source = private_storage().save(f"sources/{job.pk}/{path.name}", File(handle, name=path.name))
        job.save(update_fields=["source"])
        if now:
            status = run_import(job.pk)
            job.refresh_from_db()
            if status != EditionImport.Status.DONE:
                raise CommandError(job.error)
            self.stdout.write(f"Imported as {job.version} (draft).")
        else:
            import_edition.enqueue(job.pk)
            self.stdout.write(f"Queued import {job.pk}; the worker (manage.py db_worker) runs it.")
