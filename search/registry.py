"""What can be found: apps register a `SearchKind` per kind of content.

    class SectionSearch(SearchKind):
        name = "section"                       # in addresses: ?kind=section
        label = gettext_lazy("Report sections")
        model = Section                        # saves of it are watched by the app itself

        def live_items(self):                  # every item visitors may see (or will,
            return Section.objects.published() #   when scheduled): what a rebuild indexes
        def key(self, item): return str(item.pk)
        def documents(self, item):             # one per language the item has text in
            yield Document(language="fr", title=..., body=..., url=..., year=...,
                           context=..., visible_from=..., visible_until=...)

    search.registry.register(SectionSearch())

The app then calls search.index.item_published(kind_name, item) when an item becomes
public or changes while public, and search.index.item_unpublished(kind_name, item) when
it stops being public (see publications/search.py for the publications' wiring).
Figures and tables register the same way, their caption and alt text as the body.
"""

from dataclasses import dataclass

_kinds = {}


@dataclass
class Document:
    language: str
    title: str
    body: str
    url: str
    year: int | None = None
    context: str = ""
    visible_from: object = None
    visible_until: object = None


class SearchKind:
    name = ""
    label = ""
    # Shown in this order in the kind filter.
    order = 100

    def live_items(self):
        raise NotImplementedError

    def key(self, item):
        return str(item.pk)

    def documents(self, item):
        raise NotImplementedError


def register(kind):
    _kinds[kind.name] = kind


def kinds():
    return sorted(_kinds.values(), key=lambda kind: (kind.order, kind.name))


def kind(name):
    return _kinds.get(name)
