"""The web edition in the translators' round trip (translations.exchange).

An edition is a row per language with versions of its own, not a column per language, so it
takes part as a source of units of its own. A unit is one text of one part of the English
edition's current version: a chapter's title, part heading and summary, a section's title and text, a
figure's label, caption, alt text, description and source note, a table's label, caption and
cells, a note's text. Its key names the publication, the kind of part, the field and the
part's identifier (the same in every version and language, editions.identifiers):
`edition:<publication pk>:<kind>:<field>:<identifier>`. A note's identifier is its chapter's
and its number (`ch-2#3`).

What a translator returns becomes a draft version of the language's edition, through
`ImportEditionTranslation`: a full copy of the English version's structure (every part, the
figures' files copied for it, so that it owns them as an imported version does), with the
translations already published for that language and the imported ones in place of the
English texts; a text not translated yet stays English and is marked so (`english_fields`),
so pages mark it `lang="en"`. A second import before that draft is published adds to it.
Editors preview it, then publish it with the editorial core's Publish, as any version; the
reading pages then show it beside the English (editions.reading).

Translation status compares the language's published version with the English one: a text
is **missing** when the part or its translation is absent (or still English), **out of date**
when the English changed since the translation was made (`translated_from` keeps the digest of
the English it was made from), and **current** otherwise.
"""

import contextlib
import contextvars
import html
from dataclasses import dataclass

import nh3
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse

from editorial.actions import Action
from editorial.files import private_storage
from reportsite.translated_content import column
from translations.exchange import Refused, TranslationUnit, UnitSource, find_item
from translations.status import CURRENT, MISSING, OUT_OF_DATE, digest

from .models import (
    Anchor,
    Chapter,
    Edition,
    EditionVersion,
    Figure,
    Footnote,
    Reference,
    Section,
    Table,
)
from .writer import sanitise, sanitise_table_rows

ENGLISH = settings.LANGUAGE_CODE


@dataclass(frozen=True)
class Kind:
    name: str
    model: type
    fields: tuple
    html_fields: tuple = ()


KINDS = {
    kind.name: kind
    for kind in (
        Kind("chapter", Chapter, ("title", "part", "summary")),
        Kind("section", Section, ("title", "html"), html_fields=("html",)),
        Kind("figure", Figure, ("label", "caption", "alt", "long_description", "source_note")),
        Kind("table", Table, ("label", "caption", "body_html"), html_fields=("body_html",)),
        Kind("footnote", Footnote, ("html",), html_fields=("html",)),
    )
}
PREFIX = "edition:"


def identifier_of(kind, row):
    if kind == "footnote":
        return f"{row.chapter.identifier}#{row.number}"
    return row.identifier


# {version pk: parts} while `reading_once` is in force: a page that shows the status of many
# editions (the editions list, the dashboard) reads each English version's parts once, not
# once per language.
_read_once = contextvars.ContextVar("editions_parts_read_once", default=None)


@contextlib.contextmanager
def reading_once():
    """Within this block, `parts_of` reads each version once (for pages that only read)."""
    token = _read_once.set({})
    try:
        yield
    finally:
        _read_once.reset(token)


def parts_of(version):
    """{(kind, identifier): row} of every translatable part of `version` (five queries)."""
    if version is None:
        return {}
    memo = _read_once.get()
    if memo is not None:
        if version.pk not in memo:
            memo[version.pk] = _read_parts(version)
        return memo[version.pk]
    return _read_parts(version)


def _read_parts(version):
    parts = {}
    for name, kind in KINDS.items():
        rows = kind.model.objects.filter(version=version)
        if name == "footnote":
            rows = rows.select_related("chapter")
        for row in rows:
            parts[(name, identifier_of(name, row))] = row
    return parts


def translated_text(row, field):
    """The row's own text of `field`, or "" where it is absent or still the English one."""
    if row is None or row.in_english(field):
        return ""
    return getattr(row, field) or ""


@dataclass
class Report:
    """A publication's English current version and a language's versions, read once."""

    publication: object
    language: str
    english: EditionVersion
    published: EditionVersion | None  # the language's current version
    working: EditionVersion | None  # its draft from an earlier import, for this English version

    @classmethod
    def load(cls, publication, language):
        english = Edition.objects.filter(publication=publication, language=ENGLISH).select_related(
            "current_version").first()
        english = english.current_version if english else None
        if english is None:
            return None
        edition = Edition.objects.filter(publication=publication, language=language).select_related(
            "current_version").first()
        published = edition.current_version if edition else None
        working = None
        if edition is not None:
            latest = edition.latest_version()
            if latest and not latest.is_published and latest.translation_of_id == english.pk:
                working = latest
        return cls(publication, language, english, published, working)

    def units(self):
        english, own = parts_of(self.english), parts_of(self.published)
        units = []
        for (kind, identifier), row in english.items():
            for field in KINDS[kind].fields:
                unit = EditionUnit(self, kind, identifier, field, row, own.get((kind, identifier)))
                if unit.source.strip():
                    units.append(unit)
        return units


@dataclass
class EditionUnit(TranslationUnit):
    report: Report
    kind: str
    identifier: str
    field: str
    english_row: object
    own_row: object

    @property
    def language(self):
        return self.report.language

    @property
    def key(self):
        return f"{PREFIX}{self.report.publication.pk}:{self.kind}:{self.field}:{self.identifier}"

    @property
    def source(self):
        return getattr(self.english_row, self.field) or ""

    @property
    def target(self):
        return translated_text(self.own_row, self.field)

    @property
    def html(self):
        return self.field in KINDS[self.kind].html_fields

    @property
    def max_length(self):
        return KINDS[self.kind].model._meta.get_field(self.field).max_length

    @property
    def state(self):
        if not self.target.strip():
            return MISSING
        made_from = self.own_row.translated_from.get(self.field)
        if made_from is not None and made_from != digest(self.source):
            return OUT_OF_DATE
        return CURRENT

    @property
    def label(self):
        field = KINDS[self.kind].model._meta.get_field(self.field).verbose_name
        return f"Report “{self.report.publication.title}”, {self.kind} “{self.english_row}”, {field}"

    @property
    def note(self):
        chapter = self.english_row if self.kind == "chapter" else self.english_row.chapter
        page = reverse("editions:element", args=[self.report.publication.slug, chapter.identifier])
        where = f"{self.label}; on the page {page}"
        if self.html:
            where += " (HTML: the placeholders are its markup)"
        if self.max_length:
            where += f"; at most {self.max_length} characters"
        return where + "."

    def refusal(self, user):
        if not (user.has_perm("editions.add_editionversion") and user.has_perm("editions.change_editionversion")):
            return "You may not make versions of report editions."
        return None

    def conflict(self):
        working = parts_of_cached(self.report.working).get((self.kind, self.identifier))
        if working is not None and translated_text(working, self.field) != self.target:
            return (f"A draft version of the {self.language} edition already holds another text here; it was "
                    "not overwritten.")
        return None


def parts_of_cached(version):
    """parts_of, read once per version in one import (a unit asks for its draft's part)."""
    if version is None:
        return {}
    if not hasattr(version, "_translatable_parts"):
        version._translatable_parts = parts_of(version)
    return version._translatable_parts


class EditionUnits(UnitSource):
    """The parts of every published English edition (registered in editions.apps)."""

    def _reports(self, language, user):
        from publications.models import Publication

        if not user.has_perm("editions.view_editionversion"):
            return []
        publications = Publication.objects.filter(
            editions__language=ENGLISH, editions__current_version__isnull=False
        ).order_by("pk")
        return [report for report in (Report.load(p, language) for p in publications) if report]

    def units(self, language, scope, user):
        units = [unit for report in self._reports(language, user) for unit in report.units()]
        return [unit for unit in units if scope != "todo" or unit.state != CURRENT]

    def owns(self, key):
        return key.startswith(PREFIX)

    def unit(self, key, language):
        from publications.models import Publication

        publication_pk, _, rest = key.removeprefix(PREFIX).partition(":")
        kind, _, rest = rest.partition(":")
        field, _, identifier = rest.partition(":")
        if kind not in KINDS or field not in KINDS[kind].fields:
            raise Refused("This unit is not one this site exported.")
        cache = self.reports.setdefault(language, {})
        if publication_pk not in cache:
            publication = find_item(Publication, publication_pk)
            cache[publication_pk] = Report.load(publication, language) if publication else None
        report = cache[publication_pk]
        if report is None:
            raise Refused("The report no longer has a published English edition.", label=key)
        english = parts_of_cached(report.english).get((kind, identifier))
        if english is None:
            raise Refused(
                "This part is not in the English version visitors read now: export again.", label=key
            )
        own = parts_of_cached(report.published).get((kind, identifier))
        return EditionUnit(report, kind, identifier, field, english, own)

    def __init__(self):
        self.reports = {}  # {language: {publication pk: Report}}, read once per import

    def save(self, accepted, language, user):
        by_report = {}
        for unit, text in accepted:
            by_report.setdefault(unit.report.english.pk, (unit.report, []))[1].append((unit, text))
        return [
            ImportEditionTranslation(report, user, pairs).execute()
            for report, pairs in by_report.values()
        ]

    def status_counts(self, user):
        from reportsite.translated_content import other_languages

        counts = {}
        with reading_once():  # each English version's parts once, not once per language
            for code, _name in other_languages():
                states = counts.setdefault(code, {MISSING: 0, OUT_OF_DATE: 0, CURRENT: 0})
                for report in self._reports(code, user):
                    for state in part_states(report.units()).values():
                        states[state] += 1
        return counts


def part_states(units):
    """{(kind, identifier): state} of parts: a part is as far behind as its worst text."""
    order = {CURRENT: 0, OUT_OF_DATE: 1, MISSING: 2}
    states = {}
    for unit in units:
        part = (unit.kind, unit.identifier)
        if order[unit.state] >= order[states.get(part, CURRENT)]:
            states[part] = unit.state
    return states


def edition_status(publication, language):
    """{state: number of parts} of a publication's edition in `language` (for the admin)."""
    report = Report.load(publication, language)
    counts = {MISSING: 0, OUT_OF_DATE: 0, CURRENT: 0}
    if report is not None:
        for state in part_states(report.units()).values():
            counts[state] += 1
    return counts


class ImportEditionTranslation(Action):
    """Put imported translations into a draft version of the language's edition: the draft an
    earlier import made for the same English version, or a new one (`copy_for_translation`).
    One revision of that version says what was imported."""

    def __init__(self, report, user, pairs):
        super().__init__(report.working, user)
        self.report = report
        self.pairs = pairs

    def check(self):
        if self.user is not None and not (
            self.user.has_perm("editions.add_editionversion") and self.user.has_perm("editions.change_editionversion")
        ):
            raise PermissionDenied("You may not make versions of report editions.")

    def _execute(self):
        report = self.report
        made = report.working is None
        version = report.working or copy_for_translation(report.english, report.published, report.language)
        parts = parts_of(version)
        changed = {}
        for unit, text in self.pairs:
            row = parts[(unit.kind, unit.identifier)]
            if unit.field == "html":
                text = sanitise(text)
            elif unit.field == "body_html":
                text = sanitise_table_rows(text)
            setattr(row, unit.field, text)
            row.english_fields = [name for name in row.english_fields if name != unit.field]
            row.translated_from = {**row.translated_from, unit.field: digest(unit.source)}
            changed.setdefault(unit.kind, {})[row.pk] = row
        for kind, rows in changed.items():
            rows = list(rows.values())
            fields = [*KINDS[kind].fields, "english_fields", "translated_from"]
            if kind == "section":
                for row in rows:
                    row.text = plain(row.html)
                    row.word_count = len(row.text.split())
                fields += ["text", "word_count"]
            KINDS[kind].model.objects.bulk_update(rows, fields)
        refresh_titles(version)
        self.item = version
        where = f"a new draft made from the English version {report.english.number}" if made else "this draft"
        self.record(f"Translation imported ({report.language}) into {where}: {len(self.pairs)} texts.")
        return version


def plain(html_text):
    return html.unescape(nh3.clean(html_text, tags=set())).strip()


def refresh_titles(version):
    """The anchors' titles and the word counts, after texts of `version` changed."""
    parts = parts_of(version)
    anchors = list(version.anchors.exclude(kind__in=[Anchor.Kind.ALIAS, Anchor.Kind.REFERENCE, Anchor.Kind.HEADING]))
    for anchor in anchors:
        row = parts.get((anchor.kind, anchor.identifier))
        if row is not None:
            anchor.title = (row.title if anchor.kind in ("chapter", "section") else row.caption)[:500]
    Anchor.objects.bulk_update(anchors, ["title"])
    chapters = {row.pk: row for (kind, _), row in parts.items() if kind == "chapter"}
    totals = {}
    for (kind, _), row in parts.items():
        if kind == "section":
            totals[row.chapter_id] = totals.get(row.chapter_id, 0) + row.word_count
    for pk, chapter in chapters.items():
        chapter.word_count = totals.get(pk, 0)
    Chapter.objects.bulk_update(chapters.values(), ["word_count"])
    version.word_count = sum(totals.values())
    version.save(update_fields=["word_count"])


@transaction.atomic
def copy_for_translation(english, published, language):
    """A new draft version of the `language` edition with the structure of the English
    version `english`: each part's texts from the language's `published` version where it
    has them (same identifier), else the English ones, marked as such; references as they
    are; the figures' and data files copied under the new version's own names."""
    edition, _created = Edition.objects.get_or_create(publication_id=english.edition.publication_id, language=language)
    publication = edition.publication
    title = getattr(publication, column("title", language), None) or english.title
    version = EditionVersion.objects.create(
        edition=edition, number=edition.next_number(), title=title, authors=english.authors,
        date_text=english.date_text, source_name=f"Translation of version {english.number} ({english.source_name})",
        word_count=english.word_count, translation_of=english,
        note=f"Translated from the English version {english.number}.",
    )
    own = parts_of(published)
    files = FileCopier(f"translations/{version.pk}/")
    copies = {}
    for kind_name in ("chapter", "section", "figure", "table", "footnote"):
        kind = KINDS[kind_name]
        originals = list(kind.model.objects.filter(version=english).order_by("pk").select_related(
            *(["chapter"] if kind_name != "chapter" else [])
        ))
        rows = []
        for row in originals:
            identifier = identifier_of(kind_name, row)
            source = own.get((kind_name, identifier))
            copy = _copied(row, version, copies)
            copy.english_fields, copy.translated_from = [], {}
            for field in kind.fields:
                english_text = getattr(row, field) or ""
                text = translated_text(source, field)
                if text.strip():
                    setattr(copy, field, text)
                    copy.translated_from[field] = (source.translated_from or {}).get(field, digest(english_text))
                elif english_text.strip():
                    copy.english_fields.append(field)
            if kind_name == "section":
                # The English version's corrections, shown in English until the language's own.
                copy.errata_notes = [{**note, "lang": ENGLISH} for note in row.errata_notes]
            if kind_name == "section" and not copy.in_english("html"):
                copy.text = plain(copy.html)
                copy.word_count = len(copy.text.split())
            if kind_name == "figure":
                files.figure(copy)
            if kind_name in ("figure", "table") and copy.data_file:
                copy.data_file.name = files.copy(copy.data_file.name)
            rows.append(copy)
        created = kind.model.objects.bulk_create(rows)
        copies.update({(kind_name, old.pk): new for old, new in zip(originals, created, strict=True)})
    Reference.objects.bulk_create([
        _copied(reference, version, copies) for reference in Reference.objects.filter(version=english).order_by("pk")
    ])
    Anchor.objects.bulk_create([
        _copied(anchor, version, copies) for anchor in Anchor.objects.filter(version=english).order_by("pk")
    ])
    refresh_titles(version)
    return version


def _copied(row, version, copies):
    """An unsaved copy of `row` in `version`, its links to a chapter and a section moved to
    their copies (made before it)."""
    copy = type(row)(**{
        field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields if not field.primary_key
    })
    copy.version = version
    for link in ("chapter", "section"):
        if getattr(copy, f"{link}_id", None) is not None:
            setattr(copy, link, copies[(link, getattr(row, f"{link}_id"))])
    return copy


class FileCopier:
    """Copies of a version's files under a folder of the new version's own, in the private
    store (where a draft's files live): publishing, unpublishing or deleting one version
    never touches another's files."""

    def __init__(self, prefix):
        self.prefix = prefix
        self.storage = private_storage()
        self.done = {}

    def copy(self, name):
        if not name:
            return name
        if name not in self.done:
            with self.storage.open(name, "rb") as source:
                self.done[name] = self.storage.save(f"{self.prefix}{name}", source)
        return self.done[name]

    def figure(self, figure):
        figure.image = self.copy(figure.image)
        renditions = dict(figure.renditions or {})
        if renditions.get("webp"):
            renditions["webp"] = [{**r, "name": self.copy(r["name"])} for r in renditions["webp"]]
        if renditions.get("fallback"):
            renditions["fallback"] = {**renditions["fallback"], "name": self.copy(renditions["fallback"]["name"])}
        figure.renditions = renditions
