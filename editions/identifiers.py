"""Readable identifiers that survive re-imports.

An identifier set in the source (a Markdown `{#id}`, a LaTeX `\\label`, an HTML `id`, a
Word bookmark) wins. Otherwise an element takes the identifier of the element it matches
in the previous version: first by title (so a moved section keeps its address), then by
number among what is left (so a renamed one does too). A translation is aligned with the
English edition by number alone (its titles are in another language). What matches
nothing gets a new identifier made from its title.
"""

import re

from django.utils.text import slugify

from .models import RESERVED_IDENTIFIERS, VERSION_PATTERN, Anchor


def normalised(title):
    return re.sub(r"\W+", " ", (title or "").lower()).strip()


class Registry:
    """The identifiers of one version: each used once, none of the reserved page names."""

    def __init__(self):
        self.used = set()

    def take(self, wanted, fallback):
        base = wanted or slugify(fallback)[:80].strip("-") or "section"
        if base in RESERVED_IDENTIFIERS or VERSION_PATTERN.match(base):
            base = f"{base}-content"
        candidate, counter = base, 2
        while candidate in self.used:
            candidate = f"{base}-{counter}"
            counter += 1
        self.used.add(candidate)
        return candidate

    def free(self, identifier):
        return identifier and identifier not in self.used


class Previous:
    """What the previous version (or the edition a translation follows) called things."""

    def __init__(self, version, by_title=True):
        self.by_title = by_title
        self.items = {}
        if version is None:
            return
        for identifier, kind, title, chapter in version.anchors.filter(
            kind__in=[Anchor.Kind.CHAPTER, Anchor.Kind.SECTION, Anchor.Kind.FIGURE, Anchor.Kind.TABLE, Anchor.Kind.HEADING]
        ).values_list("identifier", "kind", "title", "chapter_identifier"):
            self.items.setdefault(kind, []).append(
                {"identifier": identifier, "title": normalised(title), "chapter": chapter}
            )
        numbers = dict(version.sections.values_list("identifier", "number"))
        numbers.update(version.chapters.values_list("identifier", "number"))
        for entries in self.items.values():
            for entry in entries:
                entry["number"] = numbers.get(entry["identifier"], "")

    def assign(self, kind, elements, registry):
        """Give each element (dicts with source_id, title, number) its `identifier`."""
        candidates = [dict(entry) for entry in self.items.get(kind, [])]
        taken = set()
        for element in elements:
            if element.get("source_id") and registry.free(element["source_id"]):
                element["identifier"] = registry.take(element["source_id"], element["title"])
                taken.add(element["identifier"])
        passes = (("title",), ("number",)) if self.by_title else (("number",),)
        for (key,) in passes:
            for element in elements:
                if element.get("identifier"):
                    continue
                value = normalised(element["title"]) if key == "title" else element.get("number")
                if not value:
                    continue
                matches = [
                    c for c in candidates
                    if c[key] == value and c["identifier"] not in taken and registry.free(c["identifier"])
                ]
                if len(matches) == 1 or (matches and key == "number"):
                    element["identifier"] = registry.take(matches[0]["identifier"], element["title"])
                    taken.add(element["identifier"])
        for element in elements:
            if not element.get("identifier"):
                element["identifier"] = registry.take("", element.get("fallback") or element["title"])
        return elements
