"""A researcher cites a publication: reference managers and Google Scholar read its page,
and its BibTeX, RIS and CSL-JSON parse in parsers nobody here wrote."""

import datetime
import json
from html.parser import HTMLParser
from pathlib import Path

import bibtexparser
import jsonschema
import pytest
import rispy
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from publications.models import Publication, PublicationDocument
from publications.seed import load_seed_content
from tests.test_editor_manages_content import pdf_bytes, publication_form

pytestmark = pytest.mark.django_db

CSL_SCHEMA = Path(__file__).parent / "data" / "csl-data.json"
SITE_URL = "https://report.example"
# Google Scholar's inclusion guidelines: every page needs these (a date under either name);
# a technical report names its institution.
SCHOLAR_REQUIRED = {"citation_title", "citation_author"}
SCHOLAR_DATE = {"citation_publication_date", "citation_date"}


class HeadReader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta = []
        self.json_ld = []
        self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "name" in attrs:
            self.meta.append((attrs["name"], attrs.get("content")))
        self._in_json_ld = tag == "script" and attrs.get("type") == "application/ld+json"

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld.append(json.loads(data))

    def handle_endtag(self, tag):
        self._in_json_ld = False


def read_head(html):
    reader = HeadReader()
    reader.feed(html)
    return reader


@pytest.fixture
def cited(make_publication, settings):
    settings.SITE_URL = SITE_URL
    publication = make_publication(
        title="International AI Safety Report 2025",
        slug="international-ai-safety-report-2025",
        kind=Publication.Kind.ANNUAL_REPORT,
        publication_date=datetime.date(2025, 1, 29),
        summary="The first comprehensive review of the science of general-purpose AI safety.",
        citation_people=[
            {"family": "Bengio", "given": "Yoshua", "affiliation": "Mila", "role": "chair"},
            {"family": "Mindermann", "given": "Sören", "role": "writing-group"},
        ],
        report_number="DSIT 2025/001",
        arxiv_id="2501.17805",
        doi="10.48550/arXiv.2501.17805",
        licence="CC BY 4.0",
        licence_url="https://creativecommons.org/licenses/by/4.0/",
    )
    PublicationDocument.objects.create(
        publication=publication, language="en",
        file=ContentFile(pdf_bytes(3), name="report.pdf"),
    )
    return publication


def test_launch_publications_carry_their_arxiv_identifiers_and_chair():
    load_seed_content()
    assert dict(Publication.objects.values_list("slug", "arxiv_id")) == {
        "international-ai-safety-report-2025": "2501.17805",
        "first-key-update-capabilities-and-risk-implications": "2510.13653",
        "second-key-update-technical-safeguards-and-risk-management": "2511.19863",
    }
    for publication in Publication.objects.all():
        assert publication.citation_authors() == [
            {"family": "Bengio", "given": "Yoshua", "role": "chair"}
        ]


def test_page_tells_google_scholar_and_zotero_what_the_report_is(client, cited):
    head = read_head(client.get(cited.get_absolute_url()).content.decode())
    tags = {}
    for name, content in head.meta:
        tags.setdefault(name, []).append(content)
    assert SCHOLAR_REQUIRED <= tags.keys() and SCHOLAR_DATE & tags.keys()
    assert tags["citation_title"] == ["International AI Safety Report 2025"]
    # One tag per author, in the report's order.
    assert tags["citation_author"] == ["Bengio, Yoshua", "Mindermann, Sören"]
    assert tags["citation_publication_date"] == ["2025/01/29"]
    assert tags["citation_technical_report_institution"] == ["International AI Safety Report"]
    assert tags["citation_technical_report_number"] == ["DSIT 2025/001"]
    assert tags["citation_language"] == ["en"]
    assert tags["citation_arxiv_id"] == ["2501.17805"]
    assert tags["citation_doi"] == ["10.48550/arXiv.2501.17805"]
    # Zotero's "Embedded Metadata" translator: citation_technical_report_institution makes
    # the item a "report"; it attaches the PDF from citation_pdf_url (which must answer).
    (pdf_url,) = tags["citation_pdf_url"]
    assert pdf_url.startswith(SITE_URL + "/media/documents/")
    pdf = client.get(pdf_url.removeprefix(SITE_URL))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")

    (report,) = head.json_ld
    assert report["@type"] == "Report"
    assert {"@type": "PropertyValue", "propertyID": "arXiv", "value": "2501.17805"} in report["identifier"]
    assert {"@type": "PropertyValue", "propertyID": "DOI", "value": "10.48550/arXiv.2501.17805"} in report["identifier"]
    assert report["reportNumber"] == "DSIT 2025/001"
    assert report["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert report["author"][0] == {
        "@type": "Person", "name": "Yoshua Bengio", "familyName": "Bengio", "givenName": "Yoshua",
        "affiliation": {"@type": "Organization", "name": "Mila"}, "roleName": "chair",
    }


def test_bibtex_parses_with_bibtexparser(client, cited):
    response = client.get(f"/publication/{cited.slug}/cite.bib")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/x-bibtex")
    library = bibtexparser.parse_string(response.content.decode())
    assert not library.failed_blocks
    (entry,) = library.entries
    assert entry.entry_type == "techreport"
    fields = {field.key: field.value for field in entry.fields}
    assert fields["author"] == "Bengio, Yoshua and Mindermann, Sören"
    assert fields["title"] == "{International AI Safety Report 2025}"
    assert fields["institution"] == "International AI Safety Report"
    assert fields["number"] == "DSIT 2025/001"
    assert fields["year"] == "2025"
    assert fields["eprint"] == "2501.17805" and fields["archiveprefix"] == "arXiv"
    assert fields["doi"] == "10.48550/arXiv.2501.17805"
    assert fields["url"] == f"{SITE_URL}/publication/{cited.slug}/"


def test_bibtex_escapes_what_latex_would_read_as_commands(client, cited):
    cited.title = "Risks & {braces} 100% $ _ # ~"
    cited.save()
    library = bibtexparser.parse_string(client.get(f"/publication/{cited.slug}/cite.bib").content.decode())
    assert not library.failed_blocks
    (entry,) = library.entries
    assert entry.fields_dict["title"].value == r"{Risks \& \{braces\} 100\% \$ \_ \# \textasciitilde{}}"


def test_ris_parses_with_rispy(client, cited):
    response = client.get(f"/publication/{cited.slug}/cite.ris")
    assert response.status_code == 200
    (entry,) = rispy.loads(response.content.decode())
    assert entry["type_of_reference"] == "RPRT"
    assert entry["authors"] == ["Bengio, Yoshua", "Mindermann, Sören"]
    assert entry["title"] == "International AI Safety Report 2025"
    assert entry["year"] == "2025"
    assert entry["publisher"] == "International AI Safety Report"
    assert entry["doi"] == "10.48550/arXiv.2501.17805"
    assert entry["issn"] == "DSIT 2025/001"  # SN: a report's number, as Zotero reads it
    assert entry["urls"] == [f"{SITE_URL}/publication/{cited.slug}/"]
    assert entry["file_attachments1"].startswith(f"{SITE_URL}/media/documents/")


def test_csl_json_is_valid_against_the_csl_schema(client, cited):
    response = client.get(f"/publication/{cited.slug}/cite.json")
    items = json.loads(response.content)
    jsonschema.validate(items, json.loads(CSL_SCHEMA.read_text()))
    (item,) = items
    assert item["type"] == "report"
    assert item["author"] == [
        {"family": "Bengio", "given": "Yoshua"}, {"family": "Mindermann", "given": "Sören"}
    ]
    assert item["issued"] == {"date-parts": [[2025, 1, 29]]}
    assert item["number"] == "DSIT 2025/001"


@pytest.mark.parametrize("language", ["fr", "es", "ru", "zh-hans", "ar"])
def test_downloads_exist_in_every_language_with_the_translated_title(client, cited, language):
    column = f"title_{language.replace('-', '_')}"
    setattr(cited, column, f"Titre {language}")
    cited.save()
    for suffix in ("bib", "ris", "json"):
        response = client.get(f"/{language}/publication/{cited.slug}/cite.{suffix}")
        assert response.status_code == 200, suffix
        assert f"Titre {language}" in response.content.decode()
    (item,) = json.loads(client.get(f"/{language}/publication/{cited.slug}/cite.json").content)
    assert item["language"] == language
    assert item["URL"] == f"{SITE_URL}/{language}/publication/{cited.slug}/"
    html = client.get(f"/{language}/publication/{cited.slug}/").content.decode()
    assert f'href="/{language}/publication/{cited.slug}/cite.bib"' in html


def test_cite_panel_shows_the_report_in_several_styles(client, cited):
    html = client.get(cited.get_absolute_url()).content.decode()
    panel = html[html.index('class="cite-panel"'):]
    assert "Bengio, Y., &amp; Mindermann, S. (2025). <i>International AI Safety Report 2025</i>" in panel
    assert "Bengio, Y., and S. Mindermann. 2025. <i>International" in panel  # Chicago
    assert "Bengio, Y. and Mindermann, S. (2025) <i>International" in panel  # Harvard
    assert "Y. Bengio and S. Mindermann, ‘International AI Safety Report 2025’" in panel  # IEEE
    assert "DSIT 2025/001" in panel and "https://doi.org/10.48550/arXiv.2501.17805" in panel
    for suffix in ("bib", "ris", "json"):
        assert f'href="/publication/{cited.slug}/cite.{suffix}"' in panel
    # No script but the site's own static files (strict CSP).
    assert "<script>" not in html


def test_each_citation_is_formatted_once_and_a_corrected_title_shows_at_once(
    client, cited, settings, monkeypatch
):
    """citeproc-py made most of a publication page's rendering time (12 ms a style, four
    styles): each worker formats an item in a style and language once. The memo is keyed on
    the whole item, so an editor's correction is in the very next page."""
    from citations import formats

    settings.PAGE_CACHE_SECONDS = 0  # every request renders the page
    formats._formatted.cache_clear()
    formatted = []
    bibliography = formats.CitationStylesBibliography
    monkeypatch.setattr(
        formats, "CitationStylesBibliography",
        lambda *args, **kwargs: formatted.append(args[0]) or bibliography(*args, **kwargs),
    )

    def apa():
        html = client.get(cited.get_absolute_url()).content.decode()
        return html[html.index('class="cite-panel"'):]

    assert "(2025). <i>International AI Safety Report 2025</i>" in apa()
    assert len(formatted) == len(formats.STYLES)
    assert "(2025). <i>International AI Safety Report 2025</i>" in apa()
    assert len(formatted) == len(formats.STYLES), "formatted again for the same item"
    client.get("/fr" + cited.get_absolute_url())
    assert len(formatted) == 2 * len(formats.STYLES), "French citations have their own words"

    cited.title = "International AI Safety Report 2025: Interim Report"
    cited.save()
    assert "(2025). <i>International AI Safety Report 2025: Interim Report</i>" in apa()
    assert len(formatted) == 3 * len(formats.STYLES)


def test_downloads_of_what_visitors_cannot_see_do_not_exist(client, cited):
    assert client.get(f"/publication/{cited.slug}/cite.docx").status_code == 404
    cited.status = Publication.Status.DRAFT
    cited.save()
    for suffix in ("bib", "ris", "json"):
        assert client.get(f"/publication/{cited.slug}/cite.{suffix}").status_code == 404


def test_editor_types_the_authors_and_identifiers_in_the_admin(editor_client, make_upload):
    data = publication_form(
        cover=make_upload("cover.png"),
        citation_people="Bengio, Yoshua; Mila; chair\nMindermann, Sören; ; writing group\n"
        "International AI Safety Report",
        doi="https://doi.org/10.48550/arXiv.2501.17805",
        arxiv_id="arXiv:2501.17805",
    )
    response = editor_client.post("/admin/publications/publication/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    publication = Publication.objects.get(slug="third-key-update-open-questions")
    assert publication.citation_people == [
        {"family": "Bengio", "given": "Yoshua", "affiliation": "Mila", "role": "chair"},
        {"family": "Mindermann", "given": "Sören", "role": "writing-group"},
        {"literal": "International AI Safety Report", "role": "author"},
    ]
    assert (publication.doi, publication.arxiv_id) == ("10.48550/arXiv.2501.17805", "2501.17805")
    page = editor_client.get(f"/admin/publications/publication/{publication.pk}/change/").content.decode()
    assert "Bengio, Yoshua; Mila; chair\nMindermann, Sören; ; writing group" in page


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("doi", "not a doi", "This is not a DOI"),
        ("arxiv_id", "12345", "This is not an arXiv identifier"),
        ("citation_people", "Bengio, Yoshua; Mila; emperor", "is not a role"),
        ("citation_people", "; Mila", "has no name"),
    ],
)
def test_bad_bibliographic_data_is_a_form_error_and_saves_nothing(
    editor_client, make_upload, field, value, message
):
    data = publication_form(cover=make_upload("cover.png"), **{field: value})
    response = editor_client.post("/admin/publications/publication/add/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Publication.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_researcher_copies_a_style_with_the_keyboard(live_server, browser, cited):
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.goto(live_server.url + cited.get_absolute_url())
    button = page.get_by_role("button", name="Copy APA")
    button.focus()
    page.keyboard.press("Enter")
    expect(button.locator("xpath=..").get_by_role("status")).to_have_text("Citation copied.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("Bengio, Y., & Mindermann, S. (2025). International AI Safety Report 2025")
    context.close()
