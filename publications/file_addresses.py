"""Stable addresses of a publication's PDFs (citations.files), in every language:

    /publication/<slug>/pdf                      the full report in the page's language
                                                 (English, then any, when it has none)
    /publication/<slug>/pdf/<type>               another type, e.g. executive-summary
    /publication/<slug>/pdf/<type>/<lang>/v<n>   exactly version n of that file
    (and the same under /fr/, /es/, ... for the other languages)

The first two redirect (302) to the current file, so `#page=58` links keep working after a
correction; an old media address of a replaced file redirects (301) to its stable address.

Which files were public is recorded when they become so (`record_live_documents`):
after a publication is saved (its documents go live with it on publish), when a live
document is saved, and before a live document is deleted.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import get_language, gettext, override
from django.views.decorators.http import require_safe

from citations import files
from reportsite.media import ONE_YEAR, register_moved_files

from .models import Publication, PublicationDocument


def slot_of(document):
    """"full-report/fr"; documents of type Other are told apart by their label."""
    return f"{document.slot_kind}/{document.language}"


def _split(slot):
    kind, language = slot.rsplit("/", 1)
    return kind, language


class PublicationFiles(files.FileSlots):
    def current_name(self, publication, slot):
        for document in publication.live_documents():
            if slot_of(document) == slot and document.file:
                return document.file.name
        return ""

    def is_public(self, publication):
        return publication.is_visible

    def stable_url(self, publication, slot):
        kind, language = _split(slot)
        with override(language):
            return reverse("publications:document", kwargs={"slug": publication.slug, "kind": kind})

    def version_url(self, publication, slot, number):
        kind, language = _split(slot)
        return reverse(
            "publications:document-version",
            kwargs={"slug": publication.slug, "kind": kind, "language": language, "number": number},
        )


def record_live_documents(publication):
    for document in publication.live_documents():
        if document.file:
            files.record(publication, slot_of(document), document.file.name)


def _publication_saved(sender, instance, update_fields=None, **kwargs):
    if update_fields and set(update_fields) <= set(Publication.pagecache_ignored_fields):
        return  # a draft saved: nothing became public
    # After the commit: publishing saves the publication, then makes its documents live.
    transaction.on_commit(lambda: record_live_documents(instance))


def _document_saved(sender, instance, **kwargs):
    if instance.draft_change != PublicationDocument.DraftChange.ADDED and instance.file:
        files.record(instance.publication, slot_of(instance), instance.file.name)


def connect():
    """Called from PublicationsConfig.ready."""
    files.register(Publication, PublicationFiles())
    register_moved_files(files.moved_file_address)
    post_save.connect(_publication_saved, sender=Publication, dispatch_uid="publications.files.pub")
    post_save.connect(_document_saved, sender=PublicationDocument, dispatch_uid="publications.files.doc")
    # A live document deleted (replaced through a draft, or removed): its file was public.
    post_delete.connect(_document_saved, sender=PublicationDocument, dispatch_uid="publications.files.del")


def _visible(slug):
    publication = get_object_or_404(Publication, slug=slug)
    if not publication.is_visible:
        raise Http404(gettext("No publication at this address."))
    return publication


@require_safe
def current_document(request, slug, kind=PublicationDocument.Type.FULL_REPORT):
    publication = _visible(slug)
    document = publication.current_document(kind, get_language())
    if document is None:
        raise Http404(gettext("This publication has no such document."))
    files.record(publication, slot_of(document), document.file.name)
    response = redirect(document.file.url)
    # The current file changes when it is corrected: never cache the redirect.
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def document_version(request, slug, kind, language, number):
    publication = _visible(slug)
    recorded = files.version(publication, f"{kind}/{language}", number)
    if recorded is None:
        raise Http404(gettext("There is no such version of this document."))
    try:
        handle = PublicationDocument._meta.get_field("file").storage.open(recorded.name, "rb")
    except FileNotFoundError:
        raise Http404(gettext("This version of the document is no longer stored."))
    response = FileResponse(handle, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{slug}-{kind}-{language}-v{number}.pdf"'
    response["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response
