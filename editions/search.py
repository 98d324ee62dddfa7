"""What of the web edition search finds (search.registry): the sections of each edition's
current version, in the edition's language, each leading to its place in its chapter.

Only what visitors can read is indexed: the current version of an edition whose
publication is published (found only while it is visible, with the publication's go-live
and expiry times). An edition's entries are replaced whenever its current version moves
(the editorial core's Publish and Unpublish save the edition through the version's hooks)
and whenever its publication is saved outside a draft (published, unpublished, expired).
"""

from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.urls import reverse
from django.utils.translation import gettext_lazy, override

from publications.models import Publication
from search import index, registry

from .models import Edition, Section


class SectionSearch(registry.SearchKind):
    name = "section"
    label = gettext_lazy("Report sections")
    order = 20

    def live_items(self):
        return (
            Section.objects.filter(
                version__edition__current_version=F("version"),
                version__edition__publication__status=Publication.Status.PUBLISHED,
            )
            .select_related("chapter", "version__edition__publication")
            .iterator()
        )

    def key(self, section):
        # The edition and the section's identifier: stable across versions.
        return f"{section.version.edition_id}:{section.identifier}"

    def documents(self, section):
        edition = section.version.edition
        publication = edition.publication
        chapter = section.chapter
        heading = str(section) if section.title else str(chapter)
        with override(edition.language):
            url = reverse("editions:element", args=[publication.slug, chapter.identifier])
        if section.level > 1:
            url = f"{url}#{section.identifier}"
        yield registry.Document(
            language=edition.language,
            title=heading,
            body=section.text,
            url=url,
            year=publication.publication_date.year,
            context=f"{publication.title} · {chapter}",
            visible_from=publication.publish_at,
            visible_until=publication.expire_at,
        )


def edition_changed(edition):
    """Replace the edition's entries with its current version's sections (after commit)."""
    sections = []
    if edition.current_version_id and edition.publication.status == Publication.Status.PUBLISHED:
        sections = list(
            Section.objects.filter(version_id=edition.current_version_id)
            .select_related("chapter", "version__edition__publication")
        )
    index.items_replaced(SectionSearch.name, f"{edition.pk}:", sections)


def _edition_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        edition_changed(instance)


def _edition_deleted(sender, instance, **kwargs):
    index.items_replaced(SectionSearch.name, f"{instance.pk}:", [])


def _publication_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and set(update_fields) <= set(sender.pagecache_ignored_fields)):
        return  # a draft saved: nothing visitors see changed
    for edition in Edition.objects.filter(publication=instance):
        edition.publication = instance  # as saved: not read again
        edition_changed(edition)


def connect():
    """Called from EditionsConfig.ready."""
    registry.register(SectionSearch())
    post_save.connect(_edition_saved, sender=Edition, dispatch_uid="editions.search.edition")
    post_delete.connect(_edition_deleted, sender=Edition, dispatch_uid="editions.search.edition-delete")
    post_save.connect(_publication_saved, sender=Publication, dispatch_uid="editions.search.publication")
