"""A visitor browses all publications: filters by kind and year, pages through them."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from publications.models import Publication
from publications.views import PUBLICATIONS_PER_PAGE
from tests.accessibility import assert_axe_clean

pytestmark = pytest.mark.django_db


def titles(html):
    return re.findall(r'<h3 class="publication-card__title"><a href="[^"]+">([^<]+)</a>', html)


@pytest.fixture
def catalogue(make_publication):
    """Three annual reports (2023-2025), four key updates (2025) and a draft."""
    for year in (2023, 2024, 2025):
        make_publication(
            title=f"Annual report {year}",
            kind=Publication.Kind.ANNUAL_REPORT,
            publication_date=datetime.date(year, 1, 29),
        )
    for month in (3, 6, 9, 11):
        make_publication(
            title=f"Key update {month:02d}/2025",
            kind=Publication.Kind.KEY_UPDATE,
            publication_date=datetime.date(2025, month, 1),
        )
    make_publication(title="Draft report", status=Publication.Status.DRAFT)


def test_visitor_finds_all_visible_publications_newest_first(client, catalogue):
    response = client.get("/publications/")
    assert response.status_code == 200
    html = response.content.decode()
    assert titles(html) == [
        "Key update 11/2025",
        "Key update 09/2025",
        "Key update 06/2025",
        "Key update 03/2025",
        "Annual report 2025",
        "Annual report 2024",
        "Annual report 2023",
    ]
    assert "Draft report" not in html
    assert "7 publications" in html


def test_visitor_filters_by_kind_and_year_with_shareable_links(client, catalogue):
    html = client.get("/publications/").content.decode()
    # Filters are plain links: no form, no JavaScript.
    assert 'href="/publications/?kind=annual-report"' in html
    assert 'href="/publications/?year=2024"' in html
    assert "Interim report" not in html, "a kind without publications is offered"

    html = client.get("/publications/?kind=annual-report").content.decode()
    assert titles(html) == ["Annual report 2025", "Annual report 2024", "Annual report 2023"]
    assert '<a class="filter-link" href="/publications/?kind=annual-report" aria-current="true">' in html
    # The year links keep the kind.
    assert 'href="/publications/?kind=annual-report&amp;year=2024"' in html

    html = client.get("/publications/?kind=annual-report&year=2024").content.decode()
    assert titles(html) == ["Annual report 2024"]
    assert "Annual reports from 2024" in html

    html = client.get("/publications/?year=2025&utm_source=newsletter").content.decode()
    assert len(titles(html)) == 5


def test_a_filter_without_results_says_so(client, catalogue):
    response = client.get("/publications/?kind=key-update&year=2023")
    assert response.status_code == 200
    html = response.content.decode()
    assert titles(html) == []
    assert "No publications match these filters." in html
    assert 'href="/publications/">Show all publications' in html


def test_visitor_pages_through_many_publications(client, make_publication):
    for number in range(PUBLICATIONS_PER_PAGE + 3):
        make_publication(
            title=f"Update {number:02d}",
            publication_date=datetime.date(2024, 1, 1) + datetime.timedelta(days=number),
        )
    first = client.get("/publications/").content.decode()
    assert len(titles(first)) == PUBLICATIONS_PER_PAGE
    assert titles(first)[0] == f"Update {PUBLICATIONS_PER_PAGE + 2:02d}"
    assert 'href="/publications/?page=2" rel="next"' in first
    assert "Page 1 of 2" in first and 'rel="prev"' not in first

    second = client.get("/publications/?page=2").content.decode()
    assert titles(second) == ["Update 02", "Update 01", "Update 00"]
    assert 'href="/publications/" rel="prev"' in second
    assert 'rel="next"' not in second


@pytest.mark.parametrize(
    "query",
    [
        "page=3",
        "page=0",
        "page=-1",
        "page=abc",
        "page=1.5",
        "page=99999999999999999999999",
        "page=%00",
        "kind=nonsense",
        "kind=%3Cscript%3E",
        "kind=%00",
        "year=20x5",
        "year=99999",
        "year=-2025",
        "page=2&page=1",  # two pages at once
    ],
)
def test_impossible_filters_and_pages_are_a_clean_not_found(client, make_publication, query):
    for _ in range(PUBLICATIONS_PER_PAGE + 1):
        make_publication()
    response = client.get(f"/publications/?{query}", follow=True)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize("query", ["page=", "kind=&year=", "foo=bar&page=1", "%ff=%fe"])
def test_harmless_junk_in_the_query_string_shows_the_first_page(client, make_publication, query):
    make_publication(title="The only one")
    # Empty or default parameters are another spelling of the first page's address: a
    # redirect to it (reportsite.pagecache); unknown parameters are ignored.
    response = client.get(f"/publications/?{query}", follow=True)
    assert response.status_code == 200
    assert all(url == "/publications/" for url, _status in response.redirect_chain)
    assert titles(response.content.decode()) == ["The only one"]


def test_the_index_is_linked_from_the_header_and_the_landing_page(client, make_publication):
    make_publication()
    html = client.get("/").content.decode()
    nav = html[html.index('<nav class="site-nav"') : html.index("</nav>")]
    assert '<a href="/publications/">Publications</a>' in nav
    publications = html[html.index('id="publications"') :]
    assert 'href="/publications/">All publications</a>' in publications
    index = client.get("/publications/").content.decode()
    assert '<a href="/publications/" aria-current="page">Publications</a>' in index


def _queries(client, url):
    """The SQL of a page rendered again, once what every page shares (the banner's texts,
    read once per content change and process) is read: what grows with content shows here."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def test_index_queries_do_not_grow_with_content(client, settings, make_publication):
    settings.PAGE_CACHE_SECONDS = 0  # measure the rendering, not the page cache
    from publications.models import SiteContent

    SiteContent.load()
    make_publication()
    few = _queries(client, "/publications/")
    for _ in range(25):
        make_publication()
    many = _queries(client, "/publications/")
    assert len(many) == len(few), "\n".join(["before:", *few, "after:", *many])
    assert len(few) <= 5, few


@pytest.mark.django_db(transaction=True)
def test_publication_pages_have_no_accessibility_violations(live_server, page, make_publication):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from publications.models import PublicationDocument
    from publications.seed import load_seed_content
    from tests.test_editor_manages_content import pdf_bytes

    load_seed_content()
    publication = Publication.objects.get(slug="international-ai-safety-report-2025")
    publication.body = "## Findings\n\nSome *findings*, with a [link](https://example.org/)."
    publication.save()
    for language in ("en", "ar", "zh-hans"):
        document = PublicationDocument(
            publication=publication, document_type="executive-summary", language=language
        )
        document.file = SimpleUploadedFile(f"summary-{language}.pdf", pdf_bytes())
        document.save()
    make_publication(kind=Publication.Kind.ANNUAL_REPORT, title="Another annual report")
    for path in (
        "/",
        "/publications/",
        "/publications/?kind=key-update&year=2025",
        "/publications/?year=2023",
        publication.get_absolute_url(),
    ):
        page.goto(live_server.url + path)
        assert_axe_clean(page, path)

    # On a wide screen each card's cover sits in its column beside the text.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server.url + "/publications/")
    card = page.locator(".publication-card").first
    title_box = card.locator(".publication-card__title").bounding_box()
    cover_box = card.locator("img.publication-card__cover").bounding_box()
    assert cover_box["x"] > title_box["x"] + title_box["width"] - 1
    assert cover_box["y"] < title_box["y"] + title_box["height"]
    assert round(cover_box["width"]) == 192  # 12rem, as `sizes` tells the browser


def test_only_the_first_cover_loads_at_once_and_every_image_says_its_size(client, make_publication, make_partner):
    for _ in range(3):
        make_publication()
    make_partner()
    for path in ("/", "/publications/"):
        html = client.get(path).content.decode()
        images = re.findall(r"<img [^>]*>", html)
        covers = [img for img in images if "publication-card__cover" in img]
        assert len(covers) == 3
        assert 'loading="lazy"' not in covers[0]
        assert all('loading="lazy"' in img for img in covers[1:])
        for img in images:
            assert re.search(r'width="\d+" height="\d+"', img), img
        sources = re.findall(r'<source type="image/webp" srcset="([^"]+)" sizes="([^"]+)">', html)
        assert len(sources) == len(images)
        for srcset, _sizes in sources:
            assert re.fullmatch(r"(/media/renditions/\S+\.webp \d+w)(, /media/renditions/\S+\.webp \d+w)*", srcset)
    publication = make_publication()
    detail = client.get(publication.get_absolute_url()).content.decode()
    cover = re.search(r'<img [^>]*class="publication__cover"[^>]*>', detail).group(0)
    assert 'fetchpriority="high"' in cover and "loading" not in cover


def test_an_empty_site_says_there_are_no_publications_yet(client):
    response = client.get("/publications/")
    assert response.status_code == 200
    assert "No publications yet." in response.content.decode()
