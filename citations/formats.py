"""One citable item in the formats researchers use, all made from its CSL-JSON item:
CSL-JSON itself, BibTeX, RIS, Highwire Press `citation_*` meta tags (Google Scholar,
Zotero), schema.org identifiers, and the formatted citation in CSL styles (citeproc-py).

Each export format is registered in FORMATS by its address suffix; views and templates
read that table, so a new format is one function and one entry.
"""

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .authors import inverted_name

STYLES_DIR = Path(__file__).resolve().parent / "styles"

# Site language -> CSL locale (citeproc-py ships these locales).
CSL_LOCALES = {"en": "en-GB", "fr": "fr-FR", "es": "es-ES", "ru": "ru-RU", "zh-hans": "zh-CN", "ar": "ar"}


def _issued(date):
    return {"date-parts": [[date.year, date.month, date.day]]}


def csl_item(citable):
    """The item as CSL-JSON (https://citationstyles.org/), validated by the tests against
    the CSL-JSON schema."""
    people = citable.citation_authors()
    names = {"author": [], "editor": []}
    for person in people:
        name = {key: person[key] for key in ("family", "given", "literal") if person.get(key)}
        names["editor" if person.get("role") == "editor" else "author"].append(name)
    identifiers = citable.citation_identifiers()
    item = {
        "id": citable.citation_key(),
        "type": citable.csl_type,
        "title": citable.citation_title(),
        "issued": _issued(citable.citation_date()),
        "URL": citable.citation_url(),
        "language": citable.citation_language(),
    }
    item.update({role: value for role, value in names.items() if value})
    optional = {
        "publisher": citable.citation_publisher(),
        "genre": citable.citation_genre(),
        "abstract": citable.citation_abstract(),
        "DOI": identifiers.get("doi", ""),
        "number": identifiers.get("report_number", ""),
        "collection-title": identifiers.get("series", ""),
        "version": identifiers.get("version", ""),
    }
    container = citable.citation_container()
    if container is not None:
        optional["container-title"] = container.citation_title()
    if identifiers.get("arxiv"):
        # Not `archive`/`archive_location`: styles print those as a physical archive.
        optional["note"] = f"arXiv:{identifiers['arxiv']}"
    item.update({key: str(value) for key, value in optional.items() if value})
    return item


# BibTeX

_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def latex_escape(text):
    return "".join(_LATEX_SPECIALS.get(character, character) for character in str(text))


def bibtex_key(item):
    year = item["issued"]["date-parts"][0][0]
    stem = re.sub(r"[^A-Za-z0-9]+", "", item["id"].title())[:40] or "item"
    return f"{stem}{year}"


def _bibtex_names(names):
    return " and ".join(
        f"{{{latex_escape(name['literal'])}}}" if name.get("literal") else latex_escape(inverted_name(name))
        for name in names
    )


def to_bibtex(citable):
    item = csl_item(citable)
    year, month, day = (item["issued"]["date-parts"][0] + [None, None])[:3]
    entry_type = "techreport" if item["type"] == "report" else "incollection"
    arxiv = citable.citation_identifiers().get("arxiv", "")
    fields = [
        ("author", _bibtex_names(item.get("author", []))),
        ("editor", _bibtex_names(item.get("editor", []))),
        # Double braces keep the title's capitals in styles that lowercase titles.
        ("title", "{" + latex_escape(item["title"]) + "}"),
        ("booktitle", latex_escape(item.get("container-title", ""))),
        ("institution" if entry_type == "techreport" else "publisher", latex_escape(item.get("publisher", ""))),
        ("type", latex_escape(item.get("genre", ""))),
        ("number", latex_escape(item.get("number", ""))),
        ("series", latex_escape(item.get("collection-title", ""))),
        ("year", str(year)),
        ("month", str(month or "")),
        ("date", "-".join(f"{part:02d}" for part in (year, month, day) if part)),
        ("doi", item.get("DOI", "")),
        ("eprint", arxiv),
        ("archiveprefix", "arXiv" if arxiv else ""),
        ("version", latex_escape(item.get("version", ""))),
        ("url", item["URL"]),
        ("language", item.get("language", "")),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@{entry_type}{{{bibtex_key(item)},\n{body}\n}}\n"


# RIS

def to_ris(citable):
    item = csl_item(citable)
    year, month, day = (item["issued"]["date-parts"][0] + [1, 1])[:3]
    lines = [("TY", "RPRT" if item["type"] == "report" else "CHAP")]
    lines += [("AU", inverted_name(name)) for name in item.get("author", [])]
    lines += [("ED", inverted_name(name)) for name in item.get("editor", [])]
    lines += [
        ("TI", item["title"]),
        ("T2", item.get("container-title", "")),
        ("T3", item.get("collection-title", "")),
        ("PY", str(year)),
        ("DA", f"{year:04d}/{month:02d}/{day:02d}"),
        ("PB", item.get("publisher", "")),
        ("M3", item.get("genre", "")),
        # Zotero's RIS translator reads a report's number from SN.
        ("SN", item.get("number", "")),
        ("DO", item.get("DOI", "")),
        ("ET", item.get("version", "")),
        ("UR", item["URL"]),
        ("LA", item.get("language", "")),
        ("AB", " ".join(item.get("abstract", "").split())),
        ("N1", item.get("note", "")),
    ]
    pdf = citable.citation_pdf_url()
    if pdf:
        lines.append(("L1", pdf))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {value}\r\n" for tag, value in lines if value or tag == "ER")


def to_csl_json(citable):
    return json.dumps([csl_item(citable)], ensure_ascii=False, indent=2) + "\n"


@dataclass(frozen=True)
class ExportFormat:
    suffix: str
    label: str
    content_type: str
    render: object


FORMATS = {
    export.suffix: export
    for export in (
        ExportFormat("bib", _("BibTeX"), "application/x-bibtex; charset=utf-8", to_bibtex),
        ExportFormat("ris", _("RIS (EndNote, Zotero, Mendeley)"), "application/x-research-info-systems; charset=utf-8", to_ris),
        ExportFormat("json", _("CSL-JSON"), "application/vnd.citationstyles.csl+json; charset=utf-8", to_csl_json),
    )
}


# Formatted citations (CSL styles through citeproc-py)

@dataclass(frozen=True)
class Style:
    name: str
    label: str


STYLES = (
    Style("apa", "APA"),
    Style("chicago-author-date", "Chicago"),
    Style("harvard-cite-them-right", "Harvard"),
    Style("ieee", "IEEE"),
)


@lru_cache(maxsize=64)
def _style(name, locale):
    # Parsed once per style and language: a style file is tens of kilobytes of XML.
    return CitationStylesStyle(str(STYLES_DIR / f"{name}.csl"), locale=locale, validate=False)


@lru_cache(maxsize=4096)
def _formatted(style_name, locale, item_json):
    """The item (as CSL-JSON text) in a style and locale. citeproc-py takes about 12 ms per
    citation and a page shows four, most of what rendering a publication page cost (56 ms);
    its answer depends on nothing but these three, so each worker makes it once per item,
    style and locale. An edit to the item is new text, so a new key: nothing to forget."""
    item = json.loads(item_json)
    style = _style(style_name, locale)
    bibliography = CitationStylesBibliography(style, CiteProcJSON([item]), formatter.html)
    bibliography.register(Citation([CitationItem(item["id"])]))
    html = str(bibliography.bibliography()[0])
    # A numeric style labels the entry "[1]": a single reference carries no number.
    html = re.sub(r"^\[1\]\s*", "", html)
    # citeproc-py escapes the item's text and emits only <i>, <b> and <span>; strip
    # anything else all the same before marking the result safe.
    return mark_safe(_keep_only_emphasis(html))


def _keep_only_emphasis(html):
    return re.sub(r"<(?!/?(i|b)>)[^>]*>", "", html)


def formatted_citations(citable, language):
    """[(style, html)] in every shipped style, in the page's language."""
    item_json = json.dumps(csl_item(citable), sort_keys=True)
    locale = CSL_LOCALES.get(language, "en-GB")
    return [(style, _formatted(style.name, locale, item_json)) for style in STYLES]


def plain_text(html):
    return strip_tags(html)


# Highwire Press tags (Google Scholar's inclusion guidelines; read by Zotero's
# "Embedded Metadata" translator, which saves the item as a "report" when
# citation_technical_report_institution is present and attaches citation_pdf_url).

def highwire_tags(citable):
    item = csl_item(citable)
    year, month, day = (item["issued"]["date-parts"][0] + [1, 1])[:3]
    tags = [("citation_title", item["title"])]
    tags += [("citation_author", inverted_name(name)) for name in item.get("author", [])]
    tags += [("citation_editor", inverted_name(name)) for name in item.get("editor", [])]
    tags += [
        ("citation_publication_date", f"{year:04d}/{month:02d}/{day:02d}"),
        ("citation_language", item.get("language", "")),
        ("citation_abstract", " ".join(item.get("abstract", "").split())),
    ]
    if item["type"] == "report":
        tags += [
            ("citation_technical_report_institution", item.get("publisher", "")),
            ("citation_technical_report_number", item.get("number", "")),
        ]
    else:
        tags += [
            ("citation_inbook_title", item.get("container-title", "")),
            ("citation_publisher", item.get("publisher", "")),
        ]
    tags += [
        ("citation_series_title", item.get("collection-title", "")),
        ("citation_doi", item.get("DOI", "")),
        ("citation_arxiv_id", citable.citation_identifiers().get("arxiv", "")),
        ("citation_public_url", item["URL"]),
        ("citation_pdf_url", citable.citation_pdf_url()),
    ]
    return [(name, value) for name, value in tags if value]


def jsonld_identifiers(citable):
    """schema.org properties naming the item's identifiers, authors and licence."""
    identifiers = citable.citation_identifiers()
    data = {}
    values = []
    if identifiers.get("doi"):
        values.append({"@type": "PropertyValue", "propertyID": "DOI", "value": identifiers["doi"]})
        data["sameAs"] = [f"https://doi.org/{identifiers['doi']}"]
    if identifiers.get("arxiv"):
        values.append({"@type": "PropertyValue", "propertyID": "arXiv", "value": identifiers["arxiv"]})
        data.setdefault("sameAs", []).append(f"https://arxiv.org/abs/{identifiers['arxiv']}")
    if identifiers.get("report_number"):
        values.append(
            {"@type": "PropertyValue", "propertyID": "report number", "value": identifiers["report_number"]}
        )
    if values:
        data["identifier"] = values
    if identifiers.get("report_number"):
        data["reportNumber"] = identifiers["report_number"]
    if identifiers.get("version"):
        data["version"] = identifiers["version"]
    if identifiers.get("licence_url") or identifiers.get("licence"):
        data["license"] = identifiers.get("licence_url") or identifiers["licence"]
    if identifiers.get("series"):
        data["isPartOf"] = {"@type": "CreativeWorkSeries", "name": identifiers["series"]}
    authors = []
    for person in citable.citation_authors():
        if person.get("role") == "editor":
            continue
        if person.get("literal"):
            authors.append({"@type": "Organization", "name": person["literal"]})
            continue
        entry = {"@type": "Person", "familyName": person["family"], "name": " ".join(
            part for part in (person.get("given", ""), person["family"]) if part)}
        if person.get("given"):
            entry["givenName"] = person["given"]
        if person.get("affiliation"):
            entry["affiliation"] = {"@type": "Organization", "name": person["affiliation"]}
        if person.get("role") not in (None, "author"):
            entry["roleName"] = person["role"]
        authors.append(entry)
    if authors:
        data["author"] = authors
    return data
