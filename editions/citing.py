"""Citing the report's parts: a chapter, section, figure or table of an edition.

A part is cited as part of its publication (citations.models.Citable with the publication
as container, CSL type "chapter"), with its own address: the one the reader is on, the
current version's (`…/read/<identifier>/`, which follows the content across versions) or a
published version's (`…/read/v2/<identifier>/`). Its title is the part's number and title
(a figure's or table's label and caption) in the page's language where the part is
translated, in English otherwise.

The publication's DOI, arXiv identifier and PDF are the whole report's: a part's citation
names the report as its container and does not claim them as its own (Google Scholar
takes a `citation_pdf_url` for the item's own full text, and would merge a chapter with the
report it is in).
"""

from dataclasses import dataclass

from django.db.models import Case, IntegerField, Value, When
from django.utils.text import Truncator

from citations.formats import jsonld_identifiers
from citations.models import Citable
from publications.discovery import absolute

from .models import Anchor

CAPTION_WORDS = 30
# What a part is in schema.org terms.
SCHEMA_TYPES = {"chapter": "Chapter", "section": "Chapter", "figure": "ImageObject", "table": "Table"}
# Identifiers of the whole report, which a part does not carry as its own.
WHOLE_WORK_IDENTIFIERS = ("doi", "arxiv")


@dataclass
class ReportPart(Citable):
    publication: object
    identifier: str
    kind: str  # chapter, section, figure or table
    title: str
    url: str  # the page's address (site-relative)
    language: str
    # The route of its citation downloads: (url name, kwargs), see editions.urls.
    downloads: tuple = ("", {})
    # The site's name (the publisher): read once, from the site, when not given.
    publisher: str = ""

    csl_type = "chapter"

    def citation_key(self):
        return f"{self.publication.slug}-{self.identifier}"

    def citation_title(self):
        return self.title

    def citation_url(self):
        return absolute(self.url)

    def citation_date(self):
        return self.publication.citation_date()

    def citation_container(self):
        return self.publication

    def citation_language(self):
        return self.language

    def citation_publisher(self):
        if not self.publisher:
            self.publisher = self.publication.citation_publisher()
        return self.publisher

    def citation_downloads(self):
        return self.downloads

    def citation_identifiers(self):
        return {
            name: value
            for name, value in self.publication.citation_identifiers().items()
            if name not in WHOLE_WORK_IDENTIFIERS
        }

    def structured_data(self):
        """schema.org JSON-LD: the part, within the report it belongs to."""
        publication = self.publication
        report = {
            "@type": "Report",
            "name": publication.title,
            "url": publication.absolute_url,
            "datePublished": publication.publication_date.isoformat(),
            **jsonld_identifiers(publication),
        }
        data = {
            "@context": "https://schema.org",
            "@type": SCHEMA_TYPES[self.kind],
            "name": self.title,
            "url": self.citation_url(),
            "inLanguage": self.language,
            "isPartOf": report,
            "datePublished": publication.publication_date.isoformat(),
            "publisher": {"@type": "Organization", "name": self.citation_publisher(), "url": absolute("/")},
        }
        if report.get("author"):
            data["author"] = report["author"]
        return data


def _title(kind, row):
    if kind in ("figure", "table"):
        caption = Truncator(row.caption).words(CAPTION_WORDS)
        return f"{row.label}: {caption}" if caption else row.label
    return f"{row.number} {row.title}".strip() if row.title else str(row)


def downloads_route(reading, identifier):
    number = reading.extra.get("address_version")
    slug = reading.edition.publication.slug
    if number:
        return "editions:citation-version", {"slug": slug, "number": number, "identifier": identifier}
    return "editions:citation", {"slug": slug, "identifier": identifier}


def part(reading, kind, row, language):
    """The part a page shows, from its row (no query); `language` is the row's edition's."""
    return ReportPart(
        publication=reading.edition.publication,
        identifier=row.identifier,
        kind=kind,
        title=_title(kind, row),
        url=reading.url(row.identifier),
        language=language,
        downloads=downloads_route(reading, row.identifier),
    )


ROWS = {
    Anchor.Kind.CHAPTER: ("chapter", "chapters"),
    Anchor.Kind.SECTION: ("section", "sections"),
    Anchor.Kind.FIGURE: ("figure", "figures"),
    Anchor.Kind.TABLE: ("table", "tables"),
}


def part_named(reading, identifier):
    """The part `identifier` names in this reading (an earlier identifier: the part it now
    names), in the page's language where translated; None when it names no citable part
    (a reference, a heading inside a section, nothing)."""
    versions = [v for v in (reading.translation, reading.version) if v is not None]
    for _ in range(2):  # an alias, then its target
        # The translation's anchor first, when it has one.
        anchor = (
            Anchor.objects.filter(version__in=versions, identifier=identifier)
            .select_related("version__edition")
            .order_by(Case(*[When(version=v, then=Value(i)) for i, v in enumerate(versions)],
                           output_field=IntegerField()))
            .first()
        )
        if anchor is None or anchor.kind != Anchor.Kind.ALIAS:
            break
        identifier = anchor.target
    if anchor is None or anchor.kind not in ROWS:
        return None
    kind, rows = ROWS[anchor.kind]
    row = getattr(anchor.version, rows).get(identifier=identifier)
    return part(reading, kind, row, anchor.version.edition.language)
