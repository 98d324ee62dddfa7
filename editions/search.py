"""What of the web edition search finds (search.registry): the sections of each edition's
current version, in the edition's language, each leading to its place in its chapter; and
its figures and tables (label, caption, alt text, description, source; a table's cells),
each leading to its own page.

Only what visitors can read is indexed: the current version of an edition whose
publication is published (found only while it is visible, with the publication's go-live
and expiry times). An edition's entries are replaced whenever its current version moves
(the editorial core's Publish and Unpublish save the edition through the version's hooks)
and whenever its publication is saved outside a draft (published, unpublished, expired).
"""

from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy, override

from publications.models import Publication
from search import index, registry

from .models import Edition, Figure, Section, Table


def _current(model):
    """The rows of `model` in the current versions of published publications' editions."""
    return model.objects.filter(
        version__edition__current_version=F("version"),
        version__edition__publication__status=Publication.Status.PUBLISHED,
    ).select_related("chapter", "version__edition__publication")


def _document(row, url, title, body):
    edition = row.version.edition
    publication = edition.publication
    return registry.Document(
        language=edition.language,
        title=title,
        body=body,
        url=url,
        year=publication.publication_date.year,
        context=f"{publication.title} · {row.chapter}",
        visible_from=publication.publish_at,
        visible_until=publication.expire_at,
    )


def _key(row):
    """The publication and the element's identifier: stable across versions, and the same
    in every language, so that search shows the English text only of what has no
    translation (search.engine)."""
    return f"{row.version.edition.publication_id}:{row.identifier}"


def _element_url(row, identifier):
    edition = row.version.edition
    with override(edition.language):
        return reverse("editions:element", args=[edition.publication.slug, identifier])


class SectionSearch(registry.SearchKind):
    name = "section"
    label = gettext_lazy("Report sections")
    order = 20

    def live_items(self):
        return _current(Section).iterator()

    def key(self, section):
        return _key(section)

    def documents(self, section):
        if section.in_english("html"):
            return  # not translated yet: the English edition's entry is found instead
        chapter = section.chapter
        url = _element_url(section, chapter.identifier)
        if section.level > 1:
            url = f"{url}#{section.identifier}"
        yield _document(section, url, str(section) if section.title else str(chapter), section.text)

    def of_version(self, version_id):
        return list(Section.objects.filter(version_id=version_id).select_related(
            "chapter", "version__edition__publication"))


class FigureSearch(registry.SearchKind):
    """Figures and tables, each found by its label, caption and what describes it."""

    name = "figure"
    label = gettext_lazy("Figures and tables")
    order = 25

    def live_items(self):
        yield from _current(Figure).iterator()
        yield from _current(Table).iterator()

    def key(self, element):
        return _key(element)

    def documents(self, element):
        if element.in_english("caption"):
            return  # not translated yet: the English edition's entry is found instead
        if isinstance(element, Figure):
            words = [element.caption, element.alt, element.long_description, element.source_note]
        else:
            words = [element.caption, strip_tags(element.body_html.replace("<", " <"))]
        title = f"{element.label}: {element.caption}" if element.caption else element.label
        body = " ".join(" ".join(words).split())
        yield _document(element, _element_url(element, element.identifier), title, body)

    def of_version(self, version_id):
        related = ("chapter", "version__edition__publication")
        return [
            *Figure.objects.filter(version_id=version_id).select_related(*related),
            *Table.objects.filter(version_id=version_id).select_related(*related),
        ]


KINDS = (SectionSearch(), FigureSearch())


def edition_changed(edition):
    """Replace the edition's entries with its current version's (after commit)."""
    visible = edition.current_version_id and edition.publication.status == Publication.Status.PUBLISHED
    for kind in KINDS:
        items = kind.of_version(edition.current_version_id) if visible else []
        index.items_replaced(kind.name, f"{edition.publication_id}:", items, language=edition.language)


def _edition_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        edition_changed(instance)


def _edition_deleted(sender, instance, **kwargs):
    for kind in KINDS:
        index.items_replaced(kind.name, f"{instance.publication_id}:", [], language=instance.language)


def _element_saved(sender, instance, raw=False, **kwargs):
    """An alt text or caption edited on the version visitors read: found at once."""
    if raw:
        return
    visible = Edition.objects.filter(
        current_version_id=instance.version_id, publication__status=Publication.Status.PUBLISHED
    ).exists()
    if visible:  # one query; a draft's figure (the common case) reads nothing more
        index.item_published(FigureSearch.name, instance)


def _publication_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and set(update_fields) <= set(sender.pagecache_ignored_fields)):
        return  # a draft saved: nothing visitors see changed
    for edition in Edition.objects.filter(publication=instance):
        edition.publication = instance  # as saved: not read again
        edition_changed(edition)


def connect():
    """Called from EditionsConfig.ready."""
    for kind in KINDS:
        registry.register(kind)
    for model in (Figure, Table):
        post_save.connect(_element_saved, sender=model, dispatch_uid=f"editions.search.{model.__name__}")
    post_save.connect(_edition_saved, sender=Edition, dispatch_uid="editions.search.edition")
    post_delete.connect(_edition_deleted, sender=Edition, dispatch_uid="editions.search.edition-delete")
    post_save.connect(_publication_saved, sender=Publication, dispatch_uid="editions.search.publication")
