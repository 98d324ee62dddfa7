"""Each publication's single PDF becomes its first document (full report, English), with
its size and page count read from the stored file; existing bodies are rendered to HTML.

Plain paragraphs, the only body format so far, are valid Markdown and render the same.
"""

from django.db import migrations
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from publications.markup import render_markdown


def move_pdfs_into_documents(apps, schema_editor):
    Publication = apps.get_model("publications", "Publication")
    PublicationDocument = apps.get_model("publications", "PublicationDocument")
    for publication in Publication.objects.exclude(pdf=""):
        storage = publication.pdf.storage
        size = pages = None
        try:
            size = storage.size(publication.pdf.name)
            with storage.open(publication.pdf.name, "rb") as stored:
                pages = len(PdfReader(stored).pages)
        except (OSError, PdfReadError, ValueError, KeyError, TypeError):
            # A missing or unreadable file keeps its document; the page shows no figures.
            pass
        PublicationDocument.objects.create(
            publication=publication,
            document_type="full-report",
            language="en",
            file=publication.pdf.name,
            file_size=size,
            page_count=pages,
            order=0,
        )


def move_documents_back_into_pdfs(apps, schema_editor):
    Publication = apps.get_model("publications", "Publication")
    PublicationDocument = apps.get_model("publications", "PublicationDocument")
    for publication in Publication.objects.all():
        document = (
            PublicationDocument.objects.filter(publication=publication, document_type="full-report")
            .order_by("order", "pk")
            .first()
        )
        if document:
            Publication.objects.filter(pk=publication.pk).update(pdf=document.file.name)


def render_bodies(apps, schema_editor):
    Publication = apps.get_model("publications", "Publication")
    for publication in Publication.objects.exclude(body=""):
        Publication.objects.filter(pk=publication.pk).update(
            body_html=render_markdown(publication.body)
        )


class Migration(migrations.Migration):
    dependencies = [("publications", "0003_documents_markdown_citation_renditions")]

    operations = [
        migrations.RunPython(move_pdfs_into_documents, move_documents_back_into_pdfs),
        migrations.RunPython(render_bodies, migrations.RunPython.noop),
    ]
