"""A visitor (or a flood) spells a page's address another way: each query parameter a page
declares has one canonical spelling; another spelling of the same value is a permanent
redirect to it, a value that means nothing a 404, and neither is stored in the page cache,
so such requests cannot push real pages out of it (issue 15, finding 1)."""

import datetime

import pytest
from django.test import Client

from publications.seed import load_seed_content
from reportsite import pagecache

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("consent_seed")]


def stored_page_keys():
    """The keys of the pages the page cache holds now (local memory or Redis)."""
    store = pagecache.cache()
    if isinstance(store, pagecache.LocMemCache):
        keys = list(store._cache)
    else:
        keys = [key.decode() for key in store._cache.get_client().scan_iter("*pagecache:page:*")]
    return {key for key in keys if "pagecache:page:" in key}


@pytest.fixture
def site(make_publication):
    load_seed_content()
    # Eleven publications of one kind in 2024: the index has a second page.
    for day in range(1, 12):
        make_publication(publication_date=datetime.date(2024, 5, day))


REDIRECTS = [
    ("/publications/?page=01", "/publications/"),
    ("/publications/?page=001", "/publications/"),
    ("/publications/?page=%2B1", "/publications/"),
    ("/publications/?page=%D9%A1", "/publications/"),  # Arabic-Indic one
    ("/publications/?page=1", "/publications/"),
    ("/publications/?page=%202", "/publications/?page=2"),
    ("/publications/?page=02", "/publications/?page=2"),
    ("/publications/?page=2&page=2", "/publications/?page=2"),
    ("/publications/?kind=&kind=", "/publications/"),
    ("/publications/?kind=", "/publications/"),
    ("/publications/?kind=key-update&kind=key-update", "/publications/?kind=key-update"),
    ("/publications/?year=02024&utm_source=x", "/publications/?year=2024"),
    ("/publications/?year=%D9%A2%D9%A0%D9%A2%D9%A4", "/publications/?year=2024"),
    ("/publications/?page=", "/publications/"),
    ("/publications/?year=2024&kind=key-update&page=02",
     "/publications/?kind=key-update&page=2&year=2024"),
    ("/fr/publications/?page=01", "/fr/publications/"),
    ("/sitemap.xml?p=01", "/sitemap.xml"),
    ("/sitemap.xml?p=1", "/sitemap.xml"),
]


# Each spelling is a subtest of one test (reported on its own): the site is made once, not
# once per spelling (its covers' renditions took 2-3 s each time).
def test_another_spelling_is_a_permanent_redirect_and_never_stored(site, subtests):
    for url, canonical in REDIRECTS:
        with subtests.test(url=url):
            before = stored_page_keys()
            response = Client().get(url)
            assert response.status_code == 301, url
            assert response["Location"] == canonical
            assert "X-Page-Cache" not in response
            assert stored_page_keys() == before
            assert Client().get(canonical).status_code == 200


NOT_FOUND = [
    "/publications/?page=x", "/publications/?page=0", "/publications/?page=-1",
    "/publications/?page=1e3", "/publications/?page=" + "9" * 50, "/publications/?page=²",
    "/publications/?page=1&page=2", "/publications/?kind=key-update&kind=annual-report",
    "/publications/?kind=nonsense", "/publications/?year=0000", "/publications/?year=24",
    "/publications/?page=3", "/sitemap.xml?p=0", "/sitemap.xml?p=x", "/sitemap.xml?p=2",
]


def test_a_value_that_means_nothing_is_a_404_and_never_stored(site, subtests):
    for url in NOT_FOUND:
        with subtests.test(url=url):
            before = stored_page_keys()
            assert Client().get(url).status_code == 404, url
            assert stored_page_keys() == before


def test_the_reported_flood_adds_no_entry_and_the_cached_page_stays_a_hit(site):
    real = ["/", "/publications/", "/publications/?page=2", "/sitemap.xml"]
    for url in real:
        assert Client().get(url)["X-Page-Cache"] == "miss"
    stored = stored_page_keys()
    spellings = ["0" * zeros + "1" for zeros in range(1, 200)] + ["%2B1", "%D9%A1", "%20%2B01"]
    for spelling in spellings:
        for url in (f"/publications/?page={spelling}", f"/sitemap.xml?p={spelling}",
                    f"/publications/?kind=&kind=&page={spelling}"):
            assert Client().get(url).status_code in (301, 404), url
    assert stored_page_keys() == stored
    for url in real:
        assert Client().get(url)["X-Page-Cache"] == "hit", url


def test_other_methods_than_get_and_head_are_refused_on_public_pages(site):
    for url in ("/", "/publications/", "/publications/feed/", "/sitemap.xml", "/robots.txt",
                "/fr/", "/privacy/"):
        for method in ("TRACE", "PUT", "DELETE", "PATCH", "OPTIONS", "POST", "PROPFIND"):
            response = Client().generic(method, url)
            assert response.status_code == 405, (method, url)
            assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD"}
            assert b"<" not in response.content
