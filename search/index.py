"""Keeping the index in step with what is public.

The hooks an app calls (see search.registry):
    item_published(kind_name, item)    the item is public now, or changed while public
    item_unpublished(kind_name, item)  the item is no longer public (or deleted)
    items_replaced(kind_name, prefix, items)  a group of items replaced as a whole
Both run after the surrounding transaction commits, so a rolled-back publish leaves the
index alone. `rebuild()` (manage.py rebuild_search_index) indexes everything afresh.
"""

from django.db import transaction

from . import registry
from .backends import current
from .models import SearchEntry, SearchWord
from .text import HAN, WORD, is_stop_word

BATCH = 500


def item_published(kind_name, item):
    transaction.on_commit(lambda: index_item(kind_name, item))


def item_unpublished(kind_name, item):
    kind = registry.kind(kind_name)
    key = kind.key(item)
    transaction.on_commit(lambda: remove_key(kind_name, key))


def items_replaced(kind_name, key_prefix, items, language=None):
    """Every entry whose key starts with `key_prefix` (in `language`, when given) is
    replaced by `items`' (after the commit): for a group of items that changes as a whole,
    e.g. an edition's sections when another version becomes the one visitors read."""

    def replace():
        kind = registry.kind(kind_name)
        entries = SearchEntry.objects.filter(kind=kind_name, key__startswith=key_prefix)
        with transaction.atomic():
            (entries.filter(language=language) if language else entries).delete()
            write(kind, items)

    transaction.on_commit(replace)


def remove_key(kind_name, key):
    SearchEntry.objects.filter(kind=kind_name, key=key).delete()


def index_item(kind_name, item):
    kind = registry.kind(kind_name)
    with transaction.atomic():
        remove_key(kind_name, kind.key(item))
        write(kind, [item])


def rebuild(kind_names=None):
    """Index every live item of these kinds (all registered kinds by default); returns
    the number of entries written."""
    written = 0
    for kind in registry.kinds():
        if kind_names and kind.name not in kind_names:
            continue
        with transaction.atomic():
            SearchEntry.objects.filter(kind=kind.name).delete()
            batch = []
            for item in kind.live_items():
                batch.append(item)
                if len(batch) >= BATCH:
                    written += write(kind, batch)
                    batch = []
            written += write(kind, batch)
    current().after_rebuild()
    return written


def write(kind, items):
    backend = current()
    entries = []
    words = set()
    for item in items:
        key = kind.key(item)
        for document in kind.documents(item):
            indexed_title, indexed_body = backend.prepare(document)
            entries.append(
                SearchEntry(
                    kind=kind.name,
                    key=key,
                    language=document.language,
                    title=document.title[:500],
                    body=document.body,
                    url=document.url,
                    context=document.context[:500],
                    year=document.year,
                    visible_from=document.visible_from,
                    visible_until=document.visible_until,
                    indexed_title=indexed_title,
                    indexed_body=indexed_body,
                )
            )
            words.update(suggestion_words(f"{document.title} {document.body}", document.language))
    if not entries:
        return 0
    created = SearchEntry.objects.bulk_create(entries)
    SearchWord.objects.bulk_create(
        [SearchWord(language=language, word=word) for language, word in words],
        ignore_conflicts=True,
        batch_size=1000,
    )
    return len(created)


def suggestion_words(text, language):
    """Whole words worth suggesting: letters only, 3 to 40 long, not stop words, not Han."""
    for match in WORD.finditer(text):
        word = match.group().lower()
        if 3 <= len(word) <= 40 and word.isalpha() and not HAN.search(word):
            if not is_stop_word(word, language):
                yield (language, word)
