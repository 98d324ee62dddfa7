"""A researcher cites a chapter, a section, a figure or a table of the web edition: each is
cited as part of its report, at its own address, in formats that parsers nobody here wrote
read; reference managers and Google Scholar read the same from the pages' heads."""

import datetime
import json

import bibtexparser
import jsonschema
import pytest
import rispy
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile

from publications.models import Publication, PublicationDocument, SiteContent
from tests.editions_helpers import imported, publish, sample
from tests.test_editor_manages_content import pdf_bytes
from tests.test_researcher_cites_a_publication import CSL_SCHEMA, SITE_URL, read_head

pytestmark = pytest.mark.django_db

SLUG = "international-ai-safety-report-2025"
READ = f"/publication/{SLUG}/read"


@pytest.fixture
def report(tmp_path, make_publication, editor, settings):
    """The report with its bibliographic fields and PDF, and its edition published."""
    settings.SITE_URL = SITE_URL
    editor.user_permissions.add(Permission.objects.get(codename="publish_editionversion"))
    publication = make_publication(
        title="International AI Safety Report 2025", slug=SLUG, kind=Publication.Kind.ANNUAL_REPORT,
        publication_date=datetime.date(2025, 1, 29),
        citation_people=[
            {"family": "Bengio", "given": "Yoshua", "affiliation": "Mila", "role": "chair"},
            {"family": "Mindermann", "given": "Sören", "role": "writing-group"},
        ],
        report_number="DSIT 2025/001", arxiv_id="2501.17805", doi="10.48550/arXiv.2501.17805",
    )
    PublicationDocument.objects.create(
        publication=publication, language="en", file=ContentFile(pdf_bytes(3), name="report.pdf"),
    )
    path, _ = sample(tmp_path, chapters=2, sections=2, figures=1, tables=1, references=3)
    version = publish(imported(path, publication), editor)
    SiteContent.load()  # the site's texts exist (the first load creates them)
    return publication, version, editor


def tags_of(html):
    tags = {}
    for name, content in read_head(html).meta:
        tags.setdefault(name, []).append(content)
    return tags


def test_a_chapter_page_tells_reference_managers_it_is_part_of_the_report(client, report):
    publication, version, _ = report
    chapter = version.chapters.get(identifier="chapter-1")
    html = client.get(f"{READ}/chapter-1/").content.decode()
    tags = tags_of(html)
    assert tags["citation_title"] == [f"{chapter.number} {chapter.title}".strip()]
    # Part of a book-like work: Zotero saves a "book section" with the report as its book.
    assert tags["citation_inbook_title"] == ["International AI Safety Report 2025"]
    assert tags["citation_author"] == ["Bengio, Yoshua", "Mindermann, Sören"]
    assert tags["citation_publication_date"] == ["2025/01/29"]
    assert tags["citation_public_url"] == [f"{SITE_URL}{READ}/chapter-1/"]
    # The DOI, the arXiv identifier and the PDF are the whole report's, not the chapter's.
    assert not {"citation_doi", "citation_arxiv_id", "citation_pdf_url"} & tags.keys()
    (data,) = read_head(html).json_ld
    assert data["@type"] == "Chapter" and data["url"] == f"{SITE_URL}{READ}/chapter-1/"
    assert data["isPartOf"]["@type"] == "Report"
    assert {"@type": "PropertyValue", "propertyID": "arXiv", "value": "2501.17805"} in data["isPartOf"]["identifier"]
    # The Cite panel: every style, every download, and a way to cite each section.
    assert 'id="reader-cite-title"' in html and "cite-apa" in html
    for suffix in ("bib", "ris", "json"):
        assert f'href="{READ}/chapter-1/cite.{suffix}"' in html
    assert f'href="{READ}/sec-1-1/cite/"' in html


def test_the_edition_home_describes_the_report_itself(client, report):
    html = client.get(f"{READ}/").content.decode()
    tags = tags_of(html)
    assert tags["citation_title"] == ["International AI Safety Report 2025"]
    assert tags["citation_arxiv_id"] == ["2501.17805"]
    (data,) = read_head(html).json_ld
    assert data["@type"] == "Report" and data["reportNumber"] == "DSIT 2025/001"


@pytest.mark.parametrize("identifier, kind", [
    ("chapter-1", "chapter"), ("sec-1-1", "section"), ("fig-1", "figure"), ("tbl-1", "table"),
])
def test_each_part_downloads_as_bibtex_ris_and_csl_json(client, report, identifier, kind):
    address = f"{SITE_URL}{READ}/{identifier}/"

    library = bibtexparser.parse_string(client.get(f"{READ}/{identifier}/cite.bib").content.decode())
    assert not library.failed_blocks
    (entry,) = library.entries
    fields = {field.key: field.value for field in entry.fields}
    assert entry.entry_type == "incollection"
    assert fields["booktitle"] == "International AI Safety Report 2025"
    assert fields["author"] == "Bengio, Yoshua and Mindermann, Sören"
    assert fields["url"] == address and fields["year"] == "2025"
    assert "doi" not in fields and "eprint" not in fields

    (ris,) = rispy.loads(client.get(f"{READ}/{identifier}/cite.ris").content.decode())
    assert ris["type_of_reference"] == "CHAP"
    assert ris["secondary_title"] == "International AI Safety Report 2025"
    assert ris["urls"] == [address]

    response = client.get(f"{READ}/{identifier}/cite.json")
    assert response["Content-Type"].startswith("application/vnd.citationstyles.csl+json")
    items = json.loads(response.content)
    jsonschema.validate(items, json.loads(CSL_SCHEMA.read_text()))
    (item,) = items
    assert item["type"] == "chapter" and item["container-title"] == "International AI Safety Report 2025"
    assert item["URL"] == address and item["id"] == f"{SLUG}-{identifier}"
    if kind == "figure":
        assert item["title"].startswith("Figure 1")
    if kind == "section":
        assert item["title"].startswith("1.1 ")


def test_a_section_has_a_cite_page_with_every_style(client, report):
    response = client.get(f"{READ}/sec-1-1/cite/")
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex"
    html = response.content.decode()
    for style in ("apa", "chicago-author-date", "harvard-cite-them-right", "ieee"):
        assert f'id="cite-{style}"' in html
    assert f'href="{READ}/sec-1-1/cite.ris"' in html
    assert f'href="{READ}/sec-1-1/"' in html  # back to the text
    # Cached like every public page.
    assert client.get(f"{READ}/sec-1-1/cite/")["X-Page-Cache"] == "hit"


def test_a_published_version_is_cited_at_its_own_address(client, report, tmp_path):
    publication, _, editor = report
    path, _ = sample(tmp_path / "v2", chapters=2, sections=2, figures=1, tables=1, references=3)
    publish(imported(path, publication), editor)
    (item,) = json.loads(client.get(f"{READ}/v1/sec-1-1/cite.json").content)
    assert item["URL"] == f"{SITE_URL}{READ}/v1/sec-1-1/"
    html = client.get(f"{READ}/v1/chapter-1/").content.decode()
    assert f'href="{READ}/v1/chapter-1/cite.bib"' in html
    (item,) = json.loads(client.get(f"{READ}/sec-1-1/cite.json").content)
    assert item["URL"] == f"{SITE_URL}{READ}/sec-1-1/"


def test_nothing_is_cited_that_visitors_cannot_read(client, report, tmp_path):
    publication, version, editor = report
    # A reference, an unknown identifier, an unknown format: clear 404s.
    reference = version.references.first()
    for address in (f"{READ}/{reference.identifier}/cite.bib", f"{READ}/no-such-part/cite.bib",
                    f"{READ}/chapter-1/cite.docx", f"{READ}/no-such-part/cite/", f"{READ}/v9/chapter-1/cite.bib"):
        assert client.get(address).status_code == 404, address
    # A draft's new chapter is not citable until it is published.
    path, _ = sample(tmp_path / "v2", chapters=3, sections=2, figures=1, tables=1, references=3)
    draft = imported(path, publication)
    assert client.get(f"{READ}/chapter-3/cite.bib").status_code == 404
    preview = f"/preview/edition/{draft.pk}/chapter-1/"
    from tests.conftest import logged_in

    html = logged_in(client, editor).get(preview).content.decode()
    assert "citation_title" not in html and "reader-cite-title" not in html and "/cite/" not in html
    client.logout()
    # Unpublished, the report's parts are no longer citable either.
    publication.status = Publication.Status.DRAFT
    publication.save()
    assert client.get(f"{READ}/chapter-1/cite.bib").status_code == 404
