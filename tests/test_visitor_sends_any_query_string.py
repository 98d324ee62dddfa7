"""Whatever a visitor (or a bot) puts in the query string of a public page, the answer is
a page, a redirect or a clear 4xx, never a server error. Hypothesis writes the query
strings; the pages are every public route of the URLconf, filled in from the seed content."""

import re
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import Resolver404, URLResolver, get_resolver, resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publications.models import Publication
from publications.seed import load_seed_content

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("consent_seed")]

# Parameters some page reads (the pages' declared ones and a few Django and bots use):
# these get odd values most often, since they are where a value can reach code.
KNOWN_NAMES = ["kind", "year", "page", "p", "next", "q", "o", "e", "format", "utm_source"]
ODD_VALUES = [
    "", "0", "0000", "-1", "²", "٢٠٢٥", "9999", "10000", "1e9", "99999999999999999999",
    "2024", "annual-report", "%", "%ff", "\x00", "//evil.example", "/\\evil", "javascript:x",
    " ", "a" * 300,
]
RAW_FRAGMENTS = ["%", "%zz", "%ff%fe", "%C2%B2", "%ED%A0%80", "%00", "&", "=", ";", "+", "&&=="]

names = st.one_of(st.sampled_from(KNOWN_NAMES), st.text(max_size=12))
values = st.one_of(st.sampled_from(ODD_VALUES), st.text(max_size=24), st.integers().map(str))
pairs = st.tuples(names, values).map(lambda pair: f"{quote(pair[0], safe='')}={quote(pair[1], safe='')}")
tokens = st.one_of(pairs, st.sampled_from(RAW_FRAGMENTS), st.text(max_size=12))
query_strings = st.lists(tokens, max_size=6).map("&".join)


def public_routes(patterns=None, prefix=""):
    """(route text, pattern) of every page outside the admin, as the URLconf lists them."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue
            yield from public_routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def address(route, publication):
    """The route with a real value in each of its parts (a seed publication, its cover)."""
    filled = route.replace("<slug:slug>", publication.slug)
    filled = filled.replace("(?P<path>.+)", publication.cover.name)
    # Draft previews: a staff one (visitors are sent to log in) and a shared link.
    filled = filled.replace("<slug:kind>/<int:pk>", f"publication/{publication.pk}")
    filled = filled.replace("<str:token>", "1:not-a-valid-signature")
    # Citation downloads and the PDFs' stable and version addresses (citations app).
    filled = filled.replace("<str:suffix>", "bib").replace("<slug:kind>", "full-report")
    filled = filled.replace("<str:language>", "en").replace("<int:number>", "1")
    # The web edition: an element of an edition (none exists: a 404 is the answer) and
    # the staff previews of a draft edition and its figures.
    filled = filled.replace("<str:identifier>", "introduction").replace("<int:pk>", "1")
    filled = filled.replace("<path:name>", publication.cover.name)
    filled = "/" + filled.lstrip("^").rstrip("$")
    assert not re.search(r"[<>()\\]", filled), f"no sample value for a part of {route!r}"
    return filled


@pytest.fixture
def new_visitor():
    """Ask for an address as a new visitor (no cookie) each time, through one test client:
    a new Client per request loads every middleware again, about 1 ms, thousands of times
    in this file."""
    client = Client()

    def ask(url, method="get"):
        client.cookies.clear()
        return getattr(client, method)(url)

    return ask


@pytest.fixture
def public_addresses():
    load_seed_content()
    publication = Publication.objects.published().first()
    found = []
    for route, pattern in public_routes():
        url = address(route, publication)
        assert resolve(url).func == pattern.callback, url
        found.append(url)
    # What WhiteNoise serves at the root, outside the URLconf.
    return [*found, "/favicon.ico"]


def test_the_public_routes_include_every_page(public_addresses):
    for url in ("/", "/publications/", "/publications/feed/", "/sitemap.xml", "/robots.txt",
                "/privacy/", "/healthz", "/consent/"):
        assert url in public_addresses
    assert any(url.startswith("/publication/") for url in public_addresses)
    assert any(url.startswith("/media/") for url in public_addresses)


def names_to_try(url):
    """Every known name, except on cached public pages past the landing page: there the
    view sees only the parameters it declares (reportsite.pagecache drops the others before
    it runs, as the landing page, which gets every name, shows for the middleware), so the
    declared names and one undeclared name are enough."""
    try:
        view = resolve(url.partition("?")[0]).func
    except Resolver404:
        return KNOWN_NAMES
    if url == "/" or not getattr(view, "public_page", False):
        return KNOWN_NAMES
    return [name for name in KNOWN_NAMES if name in view.public_page_query] + ["utm_source"]


@pytest.mark.slow
def test_every_odd_value_of_every_known_parameter_on_every_public_page(public_addresses, new_visitor):
    """The values most likely to reach code, each in each parameter a page reads (a random
    search would rarely put `0000` exactly in `year`)."""
    assert names_to_try("/") == KNOWN_NAMES and "page" in names_to_try("/publications/")
    for url in public_addresses:
        for name in names_to_try(url):
            for value in ODD_VALUES:
                query = f"{name}={quote(value, safe='')}"
                response = new_visitor(f"{url}?{query}")
                assert response.status_code < 500, f"GET {url}?{query}"


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(query=query_strings, method=st.sampled_from(["get", "head"]))
@pytest.mark.slow
def test_any_query_string_on_any_public_page_is_never_a_server_error(public_addresses, new_visitor, query, method):
    for url in public_addresses:
        response = new_visitor(f"{url}?{query}", method)
        assert response.status_code < 500, f"{method.upper()} {url}?{query}"


@pytest.mark.parametrize(
    "query", ["year=0000", "year=0", "year=%C2%B2", "year=9999", "kind=key-update&year=0001"]
)
def test_impossible_years_on_the_index_are_a_clean_not_found(query):
    load_seed_content()
    response = Client().get(f"/publications/?{query}")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def real_page_addresses(public_addresses):
    """Every address with a page of its own: each public route, and the index for each
    kind and year that have publications and each of their pages."""
    from urllib.parse import urlencode

    from publications.views import PUBLICATIONS_PER_PAGE

    published = Publication.objects.published()
    kinds = ["", *published.order_by().values_list("kind", flat=True).distinct()]
    years = ["", *(str(d.year) for d in published.dates("publication_date", "year"))]
    addresses = set(public_addresses)
    for kind in kinds:
        for year in years:
            selected = published.filter(**({"kind": kind} if kind else {}))
            selected = selected.filter(**({"publication_date__year": year} if year else {}))
            pages = max(1, -(-selected.count() // PUBLICATIONS_PER_PAGE))
            for page in range(1, pages + 1):
                query = {k: v for k, v in (("kind", kind), ("year", year)) if v}
                if page > 1:
                    query["page"] = page
                addresses.add("/publications/" + (f"?{urlencode(sorted(query.items()))}" if query else ""))
    return addresses


@pytest.fixture
def real_pages_stored(public_addresses, new_visitor):
    """Every real page visited once by a new visitor: the cache holds exactly the bound."""
    from tests.test_visitor_spells_an_address_another_way import stored_page_keys

    for url in real_page_addresses(public_addresses):
        new_visitor(url)
    return stored_page_keys()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(query=query_strings)
@pytest.mark.slow
def test_any_query_string_never_adds_a_cache_entry_beyond_the_real_pages(
    public_addresses, real_pages_stored, new_visitor, query
):
    from tests.test_visitor_spells_an_address_another_way import stored_page_keys

    for url in public_addresses:
        new_visitor(f"{url}?{query}")
    assert stored_page_keys() <= real_pages_stored, f"?{query}"


def test_a_search_that_comes_to_nothing_adds_no_cache_entry(public_addresses):
    """Blanks, NUL, `page=1`: each is the bare search page to the eye, and was a new cache
    entry (the Hypothesis walk above met it now and then, on PostgreSQL and Redis)."""
    from tests.test_visitor_spells_an_address_another_way import stored_page_keys

    assert Client().get("/search/")["X-Page-Cache"] == "miss"
    stored = stored_page_keys()
    for query in ("q=%20", "q=%20%20", "q=%09", "q=%C2%A0", "q=%00", "page=1", "q=%20&page=1"):
        response = Client().get(f"/search/?{query}")
        assert response.status_code < 500, query
        assert stored_page_keys() == stored, query
