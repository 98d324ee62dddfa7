"""What a reading page shows, assembled with a fixed number of queries whatever its size.

A `Reading` is one version of an edition read at one address prefix: the current version
(`/publication/<slug>/read/`), a published version (`…/read/v2/`) or a staff preview of a
draft (`/preview/edition/<pk>/`, the editorial core's preview address). Sections were rendered at import; a page only fills in
their addresses (`@@read@@`, `@@media@@`) and puts figure and table rows in their places.
On a page in another language, a section missing from that language's edition is shown
from the English one, marked `lang="en"`; so is a text a translated version still holds in
English (a part's `english_fields`, editions.translating).
"""

import re
from dataclasses import dataclass, field
from html import escape

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info, gettext

from .models import Anchor, EditionVersion
from .writer import permalink

MARKER = re.compile(r"<!--(figure|table):([^>]+?)-->")
ENGLISH = settings.LANGUAGE_CODE


def english_mark(row, field):
    """The attributes that mark a text still in English in a translated version, or ""."""
    return f' lang="{ENGLISH}" dir="ltr"' if row.in_english(field) else ""


def page_language_mark():
    """The attributes that put text back in the page's language inside an English part."""
    code = get_language() or ENGLISH
    direction = "rtl" if get_language_info(code)["bidi"] else "ltr"
    return f' lang="{code}" dir="{direction}"'


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
            f'<img{english_mark(figure, "alt")} src="{escape(src)}"'
            + (f' srcset="{escape(srcset)}" sizes="{FIGURE_SIZES}"' if srcset else "")
            + f' width="{width}" height="{height}" alt="{escape(figure.alt)}" loading="lazy" decoding="async">'
        )
        parts = [
            f'<figure class="reader-figure" id="{escape(figure.identifier)}">',
            image,
            '<figcaption>',
            f'<span class="reader-figure__label"{english_mark(figure, "label")}>{escape(figure.label)}:</span> '
            f'<span{english_mark(figure, "caption")}>{escape(figure.caption)}</span>',
            permalink(figure.identifier, figure.label),
        ]
        if figure.source_note:
            parts.append(
                f'<span class="reader-figure__source"{english_mark(figure, "source_note")}>'
                f"{escape(figure.source_note)}</span>"
            )
        if figure.long_description:
            parts.append(
                f'<details class="reader-figure__description"><summary>{escape(gettext("Description"))}</summary>'
                f"<p{english_mark(figure, 'long_description')}>{escape(figure.long_description)}</p></details>"
            )
        parts.append("</figcaption></figure>")
        return self.fill("".join(parts))

    def table_html(self, table):
        caption_id = f"{table.identifier}-caption"
        # Cells still in English: the table says so, and its caption keeps the page's language.
        caption_mark = page_language_mark() if table.in_english("body_html") else ""
        return self.fill(
            f'<div class="reader-table" id="{escape(table.identifier)}" role="region" '
            f'aria-labelledby="{escape(caption_id)}" tabindex="0">'
            f'<table{english_mark(table, "body_html")}><caption id="{escape(caption_id)}"{caption_mark}>'
            f'<span class="reader-table__label"{english_mark(table, "label")}>{escape(table.label)}:</span> '
            f'<span{english_mark(table, "caption")}>{escape(table.caption)}</span>'
            f"{permalink(table.identifier, table.label)}</caption>{table.body_html}</table></div>"
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
        """Everything a chapter page shows: 5 queries (+3 on a translated page: its sections, figures and tables)."""
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
        language = ENGLISH if self.translation is not None else None
        shown = []
        for section in sections:
            own = translated.get(section.identifier)
            row = own or section
            lang = ENGLISH if row.in_english("html") else (None if own is not None else language)
            shown.append({
                "section": row,
                "html": self.section_html(row, figures, tables),
                "lang": lang,
                "title_lang": ENGLISH if lang is None and row.in_english("title") else None,
            })
        heading = own_chapter or chapter
        index = next(i for i, c in enumerate(chapters) if c.pk == chapter.pk)
        return {
            "chapter": chapter,
            "heading": heading,
            "heading_lang": ENGLISH if heading.in_english("title") else (language if own_chapter is None else None),
            "toc": self.toc(chapters),
            "sections": shown,
            "notes": [
                {"number": n.number, "html": mark_safe(self.fill(n.html)), "lang": ENGLISH if n.in_english("html") else None}
                for n in notes
            ],
            "previous_chapter": chapters[index - 1] if index > 0 else None,
            "next_chapter": chapters[index + 1] if index + 1 < len(chapters) else None,
            "fallback_notice": bool(self.translation is not None and any(s["lang"] for s in shown)),
        }

    def toc(self, chapters):
        """[{chapter, title, lang}]: chapter titles in the page's language where translated."""
        translated = {c.identifier: c for c in self.extra.get("translated_chapters", [])}
        english = ENGLISH if self.translation is not None else None
        entries = []
        for c in chapters:
            own = translated.get(c.identifier)
            row = own or c
            fallback = None if own is not None else english
            entries.append({
                "chapter": c,
                "title": row.title,
                "summary": row.summary,
                "part": row.part,
                "part_lang": ENGLISH if row.in_english("part") else (fallback if row.part else None),
                "lang": ENGLISH if row.in_english("title") else fallback,
                "summary_lang": ENGLISH if row.in_english("summary") else fallback,
            })
        return entries

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
