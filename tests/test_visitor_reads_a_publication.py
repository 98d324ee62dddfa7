"""A visitor reads a publication's page: its text, documents, links and citation."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from editorial.cleaning import clean
from publications.models import Publication, PublicationDocument
from tests.conftest import STAFF_PASSWORD
from tests.test_editor_manages_content import pdf_bytes, publication_form, with_document

pytestmark = pytest.mark.django_db


def add_document(publication, document_type="executive-summary", language="en", pages=3, **fields):
    document = PublicationDocument(
        publication=publication, document_type=document_type, language=language, **fields
    )
    document.file = SimpleUploadedFile(f"{document_type}-{language}.pdf", pdf_bytes(pages))
    document.save()
    return document


def test_visitor_reads_the_publication_page(client, make_publication):
    publication = make_publication(
        title="Interim Report on Frontier Risks",
        kind=Publication.Kind.INTERIM_REPORT,
        publication_date=datetime.date(2024, 5, 17),
        summary="What we know so far.",
        body="## Main findings\n\nFirst paragraph with **emphasis**.\n\n- one\n- two",
        external_url="https://arxiv.org/abs/2405.00001",
    )
    html = client.get(publication.get_absolute_url()).content.decode()
    for text in (
        "<h1>Interim Report on Frontier Risks</h1>",
        ">Interim report<",
        '<time datetime="2024-05-17">17 May 2024</time>',
        "What we know so far.",
        "<h2>Main findings</h2>",
        "<strong>emphasis</strong>",
        "<li>one</li>",
        'href="https://arxiv.org/abs/2405.00001"',
        f'alt="{publication.cover_alt}"',
        "How to cite",
    ):
        assert text in html, text
    assert "preview-banner" not in html


def test_visitor_sees_each_document_with_language_type_size_and_page_count(
    client, make_publication
):
    publication = make_publication()
    add_document(publication, "full-report", "en", pages=12)
    for language in ("ar", "zh-hans", "en", "fr", "ru", "es"):
        add_document(publication, "executive-summary", language, pages=2)
    add_document(publication, "policymakers-summary", "en", pages=1)
    html = client.get(publication.get_absolute_url()).content.decode()

    headings = re.findall(r'<h3 class="documents__type">([^<]+)</h3>', html)
    assert headings == ["Full report", "Executive summary", "Extended summary for policymakers"]
    full = PublicationDocument.objects.get(document_type="full-report")
    assert full.page_count == 12 and full.file_size == len(clean(pdf_bytes(12)))
    assert f"PDF, {round(full.file_size / 1000)} kB, 12 pages" in html
    assert "PDF, 1 kB, 1 page<" in html or "1 page<" in html
    for local, english, code in (
        ("العربيّة", "Arabic", "ar"),
        ("简体中文", "Simplified Chinese", "zh-hans"),
        ("Français", "French", "fr"),
        ("Русский", "Russian", "ru"),
        ("Español", "Spanish", "es"),
    ):
        assert f'lang="{code}"' in html and local in html and f"({english})" in html
    assert 'lang="ar" dir="rtl"' in html
    assert html.count('type="application/pdf"') == 8
    assert client.get(full.file.url).status_code == 200


def test_document_sizes_read_like_a_download_page():
    document = PublicationDocument(file_size=4_450_000, page_count=298)
    assert document.details == "PDF, 4.45 MB, 298 pages"


def test_visitor_sees_other_publications_of_the_same_kind_only(client, make_publication):
    publication = make_publication(kind=Publication.Kind.KEY_UPDATE)
    sibling = make_publication(title="Sibling update", kind=Publication.Kind.KEY_UPDATE)
    make_publication(title="An annual report", kind=Publication.Kind.ANNUAL_REPORT)
    make_publication(
        title="Draft update", kind=Publication.Kind.KEY_UPDATE, status=Publication.Status.DRAFT
    )
    html = client.get(publication.get_absolute_url()).content.decode()
    related = html[html.index('id="related-title"') :]
    assert "More key updates" in related
    assert sibling.title in related
    assert "An annual report" not in related and "Draft update" not in related
    # The page's own title (its heading, and the Cite panel's formatted citations) but no
    # link to itself among the related ones.
    assert f">{publication.title}<" not in related


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Publication.Status.DRAFT},
        {"publish_at": timezone.now() + datetime.timedelta(days=2)},
    ],
    ids=["draft", "scheduled"],
)
def test_drafts_and_scheduled_publications_are_staff_previews_only(
    editor_client, django_user_model, make_publication, fields
):
    publication = make_publication(title="Not yet public", **fields)
    url = publication.get_absolute_url()
    client = Client()

    assert client.get(url).status_code == 404
    django_user_model.objects.create_user(username="reader", password=STAFF_PASSWORD)
    client.login(username="reader", password=STAFF_PASSWORD)
    assert client.get(url).status_code == 404, "a signed-in non-staff user saw a draft"

    # Staff too: public addresses show published content only; staff use the preview.
    assert editor_client.get(url).status_code == 404
    response = editor_client.get(f"/preview/publication/{publication.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Not yet public" in html
    # The banner says which: a draft, or scheduled (with the time and its time zone).
    assert publication.lifecycle_text in html
    assert '<meta name="robots" content="noindex">' in html
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"]
    assert "application/ld+json" not in html


def test_unknown_publication_is_not_found(client):
    assert client.get("/publication/no-such-report/").status_code == 404


class ActiveContentFinder(HTMLParser):
    """Collects whatever in a page could run script."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed", "style"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}")
            if name in ("href", "src", "action", "formaction", "xlink:href") and value:
                if re.sub(r"[\s\x00-\x1f]", "", value).lower().startswith(("javascript:", "data:", "vbscript:")):
                    self.found.append(f"{tag} {name}={value}")


HOSTILE_BODY = """## Findings

A [plain link](https://example.org/) and [a trap](javascript:alert('md')).

<script>alert("script")</script>
<a href="JaVaScRiPt:alert('html')" onclick="alert('click')">click me</a>
<a href="java&#x09;script:alert('entity')">entity trap</a>
<img src="x" onerror="alert('img')">
<svg onload="alert('svg')"><circle r="1"/></svg>
<p onmouseover="alert('hover')" style="color:red">hover text</p>
<iframe src="https://evil.example/"></iframe>
<a href="data:text/html,<script>alert(1)</script>">data link</a>
<details open ontoggle="alert('toggle')">x</details>
[ref trap][1]

[1]: javascript:alert('ref')
"""


def test_hostile_markdown_body_renders_with_nothing_active(client, make_publication):
    publication = make_publication(body=HOSTILE_BODY)
    body = publication.body_html
    finder = ActiveContentFinder()
    finder.feed(body)
    assert finder.found == []
    assert "https://example.org/" in body and "hover text" in body and "<h2>Findings</h2>" in body

    html = client.get(publication.get_absolute_url()).content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    finder = ActiveContentFinder()
    finder.feed(main)
    assert finder.found == []


@pytest.mark.django_db(transaction=True)
def test_hostile_body_runs_nothing_in_a_real_browser(live_server, page, make_publication):
    publication = make_publication(body=HOSTILE_BODY)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(live_server.url + publication.get_absolute_url())
    body = page.locator(".publication__body")
    traps = body.locator("a:not([href^='https:'])").all()
    assert len(traps) == 5
    for link in traps:
        link.click()
    body.get_by_text("hover text").hover()
    page.wait_for_timeout(200)
    assert dialogs == []
    assert page.url == live_server.url + publication.get_absolute_url()


def test_citation_is_generated_and_an_editor_can_override_it(client, make_publication, settings):
    settings.SITE_URL = "https://report.example"
    publication = make_publication(
        title="Second Key Update", publication_date=datetime.date(2025, 11, 25)
    )
    html = client.get(publication.get_absolute_url()).content.decode()
    assert (
        "International AI Safety Report (2025). Second Key Update. "
        f"https://report.example/publication/{publication.slug}/"
    ) in html

    publication.authors = "Bengio, Y., Mindermann, S., et al."
    publication.save()
    html = client.get(publication.get_absolute_url()).content.decode()
    assert "Bengio, Y., Mindermann, S., et al. (2025). Second Key Update. International" in html

    publication.citation = "Bengio et al., Second Key Update, DSIT 2025/002."
    publication.save()
    html = client.get(publication.get_absolute_url()).content.decode()
    assert '<p class="citation__text" id="citation-text">Bengio et al., Second Key Update, DSIT 2025/002.</p>' in html


@pytest.mark.django_db(transaction=True)
def test_visitor_copies_the_citation_with_the_button(live_server, browser, make_publication):
    publication = make_publication(citation="Cite me like this (2025).")
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.goto(live_server.url + publication.get_absolute_url())
    button = page.get_by_role("button", name="Copy citation")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Citation copied.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == "Cite me like this (2025)."
    context.close()

    # Without JavaScript there is no dead button; the citation is there to select.
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + publication.get_absolute_url())
    expect(page.get_by_text("Cite me like this (2025).")).to_be_visible()
    expect(page.get_by_role("button", name="Copy citation")).to_be_hidden()
    context.close()


def test_editor_adds_documents_in_several_languages_inline(editor_client, make_upload):
    data = with_document(
        publication_form(cover=make_upload("cover.png")),
        make_upload("summary-fr.pdf", content=pdf_bytes(4), content_type="application/pdf"),
        document_type="executive-summary",
        language="fr",
    )
    assert editor_client.post("/admin/publications/publication/add/", data).status_code == 302
    publication = Publication.objects.get()
    document = publication.documents.get()
    assert (document.language, document.page_count) == ("fr", 4)
    change_page = editor_client.get(f"/admin/publications/publication/{publication.pk}/change/")
    assert document.details in change_page.content.decode()
    assert document.details.endswith(", 4 pages")
    assert "Français" in Client().get(publication.get_absolute_url()).content.decode()


def test_editor_must_name_a_document_of_type_other(editor_client, make_upload, media_root):
    data = with_document(
        publication_form(cover=make_upload("cover.png")),
        make_upload("annex.pdf", content=pdf_bytes(), content_type="application/pdf"),
        document_type="other",
    )
    response = editor_client.post("/admin/publications/publication/add/", data)
    assert response.status_code == 200
    assert "Name this document" in response.content.decode()
    assert Publication.objects.count() == 0 and PublicationDocument.objects.count() == 0


def test_a_page_in_another_language_lists_that_languages_documents_first(
    client, make_publication
):
    publication = make_publication()
    for language in ("en", "ar", "fr", "zh-hans"):
        add_document(publication, "executive-summary", language, pages=2)

    def languages(prefix):
        html = client.get(f"{prefix}/publication/{publication.slug}/").content.decode()
        return re.findall(r'class="document__link" href="[^"]+" hreflang="([^"]+)"', html)

    assert languages("")[0] == "en"
    assert languages("/fr")[0] == "fr"
    assert languages("/zh-hans")[0] == "zh-hans"
    assert sorted(languages("/ar")) == ["ar", "en", "fr", "zh-hans"]
    assert languages("/ar")[0] == "ar"
