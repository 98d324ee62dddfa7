"""What a visitor finds on the landing page, and how the site serves its files."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from publications.models import Publication
from publications.seed import PARTNERS, PUBLICATIONS, SITE, load_seed_content

pytestmark = pytest.mark.django_db


def test_visitor_sees_the_seed_content_newest_first(client):
    load_seed_content()
    html = client.get("/").content.decode()

    positions = [html.index(p["title"]) for p in PUBLICATIONS]
    assert positions == sorted(positions), "publications are not newest first"
    for date in ("25 November 2025", "15 October 2025", "29 January 2025"):
        assert date in html
    assert html.count(">Key update<") == 2 and html.count(">Annual report<") == 1
    for publication in PUBLICATIONS:
        assert publication["summary"] in html
        assert f'alt="{publication["cover_alt"]}"' in html
    assert SITE["about_text"] in html.replace("&#x27;", "'")
    assert "About the International AI Safety Report" in html
    for partner in PARTNERS:
        assert partner["name"] in html
        assert f'href="{partner["website"]}"' in html
        assert f'alt="{partner["logo_alt"]}"' in html
    # Every image says its size, so the page does not jump while loading.
    for img in re.findall(r"<img[^>]*>", html):
        assert re.search(r'width="\d+"', img) and re.search(r'height="\d+"', img), img


def test_visitor_follows_a_hero_link_to_a_featured_publication(client):
    load_seed_content()
    html = client.get("/").content.decode()
    hero = html[html.index('class="hero"') : html.index('id="about"')]
    assert "Key Updates: Oct and Nov 2025" in hero
    assert "International AI Safety Report: Jan 2025" in hero
    assert client.get("/publication/international-ai-safety-report-2025/").status_code == 200


def test_visitor_does_not_see_drafts_or_scheduled_publications(client, make_publication):
    make_publication(title="Visible report")
    make_publication(title="Draft report", status=Publication.Status.DRAFT)
    make_publication(
        title="Scheduled report", publish_at=timezone.now() + datetime.timedelta(days=1)
    )
    html = client.get("/").content.decode()
    assert "Visible report" in html
    assert "Draft report" not in html
    assert "Scheduled report" not in html


def test_visible_publications_are_published_and_due_newest_first(make_publication):
    now = timezone.now()
    old = make_publication(publication_date=datetime.date(2024, 5, 1))
    new = make_publication(publication_date=datetime.date(2025, 5, 1))
    make_publication(status=Publication.Status.DRAFT)
    make_publication(publish_at=now + datetime.timedelta(minutes=5))
    due_now = make_publication(publication_date=datetime.date(2023, 1, 1), publish_at=now)
    assert list(Publication.objects.published()) == [new, old, due_now]


def _queries_for_home(client):
    """The SQL of `/` rendered again, once what every page shares (the banner's texts, read
    once per content change and process) is read: what grows with content shows here."""
    assert client.get("/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def test_landing_page_queries_do_not_grow_with_content(client, settings, make_publication, make_partner):
    settings.PAGE_CACHE_SECONDS = 0  # measure the rendering, not the page cache
    load_seed_content()
    for _ in range(3):
        make_publication(featured=True)
    make_partner(name="First partner")
    few = _queries_for_home(client)
    for _ in range(47):
        make_publication(featured=True)
    for number in range(20):
        make_partner(name=f"Partner {number}")
    many = _queries_for_home(client)
    assert len(many) == len(few), "\n".join(["before:", *few, "after:", *many])
    assert len(many) <= 4, many


def test_unknown_address_gets_the_styled_not_found_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "Skip to main content" in response.content.decode()


def test_uploaded_cover_is_served_with_type_and_long_cache(client, make_publication):
    publication = make_publication()
    response = client.get(publication.cover.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "max-age=31536000" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "path",
    ["/media/", "/media/covers/", "/media/../reportsite/settings.py", "/media/%2e%2e/manage.py",
     "/media/covers/../../manage.py", "/media/nothing-here.png"],
)
def test_media_urls_never_list_folders_or_escape_the_media_folder(client, make_publication, path):
    make_publication()
    response = client.get(path)
    assert response.status_code in (400, 404)
    assert b"DJANGO_SETTINGS_MODULE" not in response.content


def test_media_refuses_writes(client, make_publication):
    publication = make_publication()
    assert client.post(publication.cover.url).status_code == 405


def test_server_error_page_is_styled_and_needs_no_database(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html and "Skip to main content" in html
