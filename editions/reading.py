"""What a reading page shows, assembled with a fixed number of queries whatever its size.

A `Reading` is one version of an edition read at one address prefix: the current version
(`/publication/<slug>/read/`), a published version (`…/read/v2/`) or a staff preview of a
draft (`/preview/edition/<pk>/`, the editorial core's preview address). Sections were rendered at import; a page only fills in
their addresses (`@@read@@`, `@@media@@`) and puts figure and table rows in their places.
On a page in another language, a section missing from that language's edition is shown
from the English one, marked `lang="en"`.
"""

import re
from dataclasses import dataclass, field
from html import escape

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from .models import Anchor, EditionVersion
from .writer import permalink

MARKER = re.compile(r"<!--(figure|table):([^>]+?)-->")
FIGURE_SIZES = "(min-width: 75rem) 46rem, (min-width: 48rem) 70vw, 92vw"


@dataclass
class Reading:
    version: EditionVersion
    read_prefix: str  # …/read/ or …/read/v2/ or /preview/edition/<pk>/
    media_prefix: str
    is_current: bool = True
    preview: bool = False
    translation: EditionVersion = None  # the page language's version, when it is not English
    extra: dict = field(default_factory=dict)

    @property
    def edition(self):
        return self.version.edition

    def url(self, identifier=""):
        return f"{self.read_prefix}{identifier}/" if identifier else self.read_prefix

    def fill(self, html):
        return (
            html.replace("@@read@@", self.read_prefix)
            .replace("@@media@@", self.media_prefix)
            .replace("@@permalink-to@@", gettext("Permalink to"))
        )

    def media_url(self, name):
        return f"{self.media_prefix}{name}"

    # parts of pages -------------------------------------------------------------------

    def figure_html(self, figure, heading_level=None):
        renditions = figure.renditions or {}
        webp = renditions.get("webp") or []
        fallback = renditions.get("fallback") or {}
        src = self.media_url(fallback.get("name") or figure.image)
        srcset = ", ".join(f"{self.media_url(r['name'])} {r['width']}w" for r in webp)
        width = fallback.get("width") or figure.width
        height = fallback.get("height") or figure.height
        image = (
            f'<img src="{escape(src)}"'
            + (f' srcset="{escape(srcset)}" sizes="{FIGURE_SIZES}"' if srcset else "")
            + f' width="{width}" height="{height}" alt="{escape(figure.alt)}" loading="lazy" decoding="async">'
        )
        parts = [
            f'<figure class="reader-figure" id="{escape(figure.identifier)}">',
            image,
            '<figcaption>',
            f'<span class="reader-figure__label">{escape(figure.label)}:</span> {escape(figure.caption)}',
            permalink(figure.identifier, figure.label),
        ]
        if figure.source_note:
            parts.append(f'<span class="reader-figure__source">{escape(figure.source_note)}</span>')
        if figure.long_description:
            parts.append(
                f'<details class="reader-figure__description"><summary>{escape(gettext("Description"))}</summary>'
                f"<p>{escape(figure.long_description)}</p></details>"
            )
        parts.append("</figcaption></figure>")
        return self.fill("".join(parts))

    def table_html(self, table):
        caption_id = f"{table.identifier}-caption"
        return self.fill(
            f'<div class="reader-table" id="{escape(table.identifier)}" role="region" '
            f'aria-labelledby="{escape(caption_id)}" tabindex="0">'
            f'<table><caption id="{escape(caption_id)}"><span class="reader-table__label">'
            f"{escape(table.label)}:</span> {escape(table.caption)}{permalink(table.identifier, table.label)}"
            f"</caption>{table.body_html}</table></div>"
        )

    def section_html(self, section, figures, tables):
        def element(match):
            kind, identifier = match.groups()
            if kind == "figure" and identifier in figures:
                return self.figure_html(figures[identifier])
            if kind == "table" and identifier in tables:
                return self.table_html(tables[identifier])
            return ""

        return mark_safe(MARKER.sub(element, self.fill(section.html)))

    # pages ----------------------------------------------------------------------------

    def chapters(self):
        if "chapters" not in self.extra:
            self.extra["chapters"] = list(self.version.chapters.all())
        return self.extra["chapters"]

    def chapter_page(self, chapter, chapters):
        """Everything a chapter page shows: 5 queries (+2 on a translated page)."""
        sections = list(chapter.sections.all())
        figures = {f.identifier: f for f in chapter.figures.all()}
        tables = {t.identifier: t for t in chapter.tables.all()}
        own_chapter = self.translated_chapter(chapter)
        translated = {}
        if own_chapter is not None:
            translated = {s.identifier: s for s in own_chapter.sections.all()}
            figures.update((f.identifier, f) for f in own_chapter.figures.all())
            tables.update((t.identifier, t) for t in own_chapter.tables.all())
        notes = list((own_chapter or chapter).footnotes.all())
        language = settings.LANGUAGE_CODE if self.translation is not None else None
        shown = []
        for section in sections:
            own = translated.get(section.identifier)
            shown.append({
                "section": own or section,
                "html": self.section_html(own or section, figures, tables),
                "lang": None if own is not None else language,
            })
        index = next(i for i, c in enumerate(chapters) if c.pk == chapter.pk)
        return {
            "chapter": chapter,
            "heading": own_chapter or chapter,
            "heading_lang": language if own_chapter is None else None,
            "toc": self.toc(chapters),
            "sections": shown,
            "notes": [{"number": n.number, "html": mark_safe(self.fill(n.html))} for n in notes],
            "previous_chapter": chapters[index - 1] if index > 0 else None,
            "next_chapter": chapters[index + 1] if index + 1 < len(chapters) else None,
            "fallback_notice": bool(self.translation is not None and any(s["lang"] for s in shown)),
        }

    def toc(self, chapters):
        """[{chapter, title, lang}]: chapter titles in the page's language where translated."""
        translated = {c.identifier: c for c in self.extra.get("translated_chapters", [])}
        english = settings.LANGUAGE_CODE if self.translation is not None else None
        return [
            {
                "chapter": c,
                "title": translated[c.identifier].title if c.identifier in translated else c.title,
                "summary": translated[c.identifier].summary if c.identifier in translated else c.summary,
                "lang": None if c.identifier in translated else english,
            }
            for c in chapters
        ]

    def translated_chapter(self, chapter):
        return next(
            (c for c in self.extra.get("translated_chapters", []) if c.identifier == chapter.identifier), None
        )

    def anchor(self, identifier):
        return self.version.anchors.filter(identifier=identifier).first()


def find_removed(edition, identifier, before=None):
    """(last version with it, first version without it) for an identifier no longer in
    the current version, among published versions; or None."""
    versions = list(
        edition.versions.filter(status=EditionVersion.Status.PUBLISHED).order_by("number").values_list("pk", "number")
    )
    having = set(
        Anchor.objects.filter(version__in=[pk for pk, _ in versions], identifier=identifier).values_list(
            "version_id", flat=True
        )
    )
    last_with = None
    for pk, number in versions:
        if pk in having:
            last_with = number
        elif last_with is not None:
            return last_with, number
    return None


def public_media_prefix():
    return default_storage.url("x")[:-1]
