"""Search engines, feed readers and social networks find and describe the publications."""

import datetime
import json
import re
import xml.etree.ElementTree as ElementTree

import pytest
from django.utils import timezone

from publications.models import Publication, SiteContent
from publications.seed import load_seed_content

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def site_url(settings):
    settings.SITE_URL = "https://report.example"
    return settings.SITE_URL


@pytest.fixture
def visible_and_hidden(make_publication):
    visible = [make_publication(title="Visible one"), make_publication(title="Visible two")]
    make_publication(title="A draft", slug="a-draft", status=Publication.Status.DRAFT)
    make_publication(
        title="Scheduled",
        slug="scheduled",
        publish_at=timezone.now() + datetime.timedelta(days=1),
    )
    return visible


def head(html):
    return html[: html.index("</head>")]


def test_feed_lists_the_visible_publications_and_is_linked_from_every_page(
    client, site_url, visible_and_hidden
):
    response = client.get("/publications/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Visible two", "Visible one"]
    for entry, publication in zip(entries, reversed(visible_and_hidden), strict=False):
        assert entry.find(f"{ATOM}link").get("href") == f"{site_url}/publication/{publication.slug}/"
        assert entry.findtext(f"{ATOM}summary") == publication.summary
        assert entry.findtext(f"{ATOM}updated")
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == f"{site_url}/publications/feed/"
    assert feed.findtext(f"{ATOM}title") == "International AI Safety Report: publications"
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == "International AI Safety Report"

    visible_and_hidden[0].authors = "Bengio, Y., et al."
    visible_and_hidden[0].save()
    feed = ElementTree.fromstring(client.get("/publications/feed/").content)
    assert [e.findtext(f"{ATOM}author/{ATOM}name") for e in feed.findall(f"{ATOM}entry")] == [
        None,
        "Bengio, Y., et al.",
    ]

    for path in ("/", "/publications/", visible_and_hidden[0].get_absolute_url(), "/no-such-page/"):
        assert (
            '<link rel="alternate" type="application/atom+xml" title="Publications of the '
            'International AI Safety Report" href="/publications/feed/">'
        ) in head(client.get(path).content.decode()), path


def test_sitemap_lists_exactly_the_visible_publications_and_the_pages(
    client, site_url, visible_and_hidden
):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    urlset = ElementTree.fromstring(response.content)
    entries = {
        url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
        for url in urlset.findall(f"{SITEMAP}url")
    }
    paths = {"/", "/publications/"} | {f"/publication/{p.slug}/" for p in visible_and_hidden}
    # Each page once per language: English unprefixed, the others under their prefix.
    prefixes = ["", "/fr", "/es", "/ru", "/zh-hans", "/ar"]
    expected = {f"{site_url}{prefix}{path}" for path in paths for prefix in prefixes}
    assert set(entries) == expected
    for publication in visible_and_hidden:
        assert entries[f"{site_url}{publication.get_absolute_url()}"] == (
            publication.updated_at.date().isoformat()
        )
    assert all(entries.values()), "every entry has its last-modified date"


def test_robots_txt_points_to_the_sitemap(client, site_url):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines and "Disallow: /admin/" in lines
    assert f"Sitemap: {site_url}/sitemap.xml" in lines


def canonical(html):
    links = re.findall(r'<link rel="canonical" href="([^"]*)">', html)
    assert len(links) == 1, links
    return links[0]


def test_every_page_names_its_canonical_address_on_the_site_url(
    client, site_url, make_publication
):
    publication = make_publication(kind=Publication.Kind.KEY_UPDATE)
    for path, expected in (
        ("/", "/"),
        ("/?utm_source=mail", "/"),
        ("/publications/", "/publications/"),
        ("/publications/?utm_source=x&kind=key-update&page=1", "/publications/?kind=key-update"),
        (publication.get_absolute_url() + "?ref=x", publication.get_absolute_url()),
    ):
        # Another spelling of a page (`page=1`) is redirected to its canonical address first.
        html = client.get(path, HTTP_HOST="127.0.0.1", follow=True).content.decode()
        assert canonical(html) == site_url + expected, path
        assert f'<meta property="og:url" content="{site_url}{expected}">' in html


def meta(html, attribute, name):
    found = re.findall(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', html)
    assert len(found) == 1, (name, found)
    return found[0]


def test_a_shared_publication_link_shows_title_summary_and_cover(client, site_url, make_publication):
    publication = make_publication(title="Key Update", summary="Short summary.")
    html = client.get(publication.get_absolute_url()).content.decode()
    assert meta(html, "property", "og:type") == "article"
    assert meta(html, "property", "og:title") == "Key Update"
    assert meta(html, "property", "og:description") == "Short summary."
    assert meta(html, "property", "og:site_name") == "International AI Safety Report"
    image = meta(html, "property", "og:image")
    assert image.startswith(f"{site_url}/media/renditions/covers/") and image.endswith(".jpg")
    assert meta(html, "property", "og:image:alt") == publication.cover_alt
    assert meta(html, "name", "twitter:card") == "summary_large_image"
    assert meta(html, "name", "twitter:image") == image
    assert meta(html, "name", "twitter:title") == "Key Update"
    # The image the card names is really served.
    served = client.get(image.removeprefix(site_url))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"


def json_ld_blocks(html):
    return [json.loads(block) for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)]


def test_structured_data_describes_the_report_and_the_organisation(client, site_url):
    load_seed_content()
    home = json_ld_blocks(client.get("/").content.decode())
    assert [block["@type"] for block in home] == ["Organization"]
    assert home[0]["name"] == "International AI Safety Report"
    assert home[0]["url"] == f"{site_url}/"

    publication = Publication.objects.get(slug="international-ai-safety-report-2025")
    [report] = json_ld_blocks(client.get(publication.get_absolute_url()).content.decode())
    assert report["@context"] == "https://schema.org" and report["@type"] == "Report"
    assert report["name"] == publication.title
    assert report["url"] == f"{site_url}{publication.get_absolute_url()}"
    assert report["datePublished"] == "2025-01-29"
    assert report["sameAs"] == "https://arxiv.org/abs/2501.17805"
    assert report["publisher"]["name"] == SiteContent.load().site_name
    assert report["image"].startswith(f"{site_url}/media/renditions/")


def test_structured_data_cannot_be_broken_out_of(client, make_publication):
    hostile = '</script><script>alert("x")</script> & <!-- "quotes"'
    publication = make_publication(title=hostile, summary=hostile)
    html = client.get(publication.get_absolute_url()).content.decode()
    [report] = json_ld_blocks(html)
    assert report["name"] == hostile and report["description"] == hostile
    # Only the JSON-LD data block and the site's own script files: nothing the title opened.
    for tag in re.findall(r"<script[^>]*>", html):
        assert tag == '<script type="application/ld+json">' or 'src="/static/' in tag, tag
    assert '<script>alert("x")' not in html


@pytest.mark.django_db(transaction=True)
def test_json_ld_is_data_under_a_strict_content_security_policy(live_server, page):
    load_seed_content()
    publication = Publication.objects.get(slug="international-ai-safety-report-2025")
    violations = []
    page.on(
        "console",
        lambda message: violations.append(message.text)
        if "Content Security Policy" in message.text
        else None,
    )

    def with_csp(route):
        response = route.fetch()
        headers = {**response.headers, "content-security-policy": "default-src 'self'; script-src 'self'"}
        route.fulfill(response=response, headers=headers)

    page.route(f"{live_server.url}/**", with_csp)
    for path in ("/", publication.get_absolute_url()):
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        data = page.evaluate(
            "[...document.querySelectorAll('script[type=\"application/ld+json\"]')]"
            ".map(s => JSON.parse(s.textContent)['@type'])"
        )
        assert data == (["Organization"] if path == "/" else ["Report"])
    # The copy button's script (from 'self') ran; nothing inline was blocked or needed.
    assert page.get_by_role("button", name="Copy citation").is_visible()
    assert violations == []
