"""Whatever a visitor (or a bot) puts in the query string of a public page, the answer is
a page, a redirect or a clear 4xx, never a server error. Hypothesis writes the query
strings; the pages are every public route of the URLconf, filled in from the seed content."""

import re
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve
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
    filled = filled.replace("<path:name>", publication.cover.name)
    filled = "/" + filled.lstrip("^").rstrip("$")
    assert not re.search(r"[<>()\\]", filled), f"no sample value for a part of {route!r}"
    return filled


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


def test_every_odd_value_of_every_known_parameter_on_every_public_page(public_addresses):
    """The values most likely to reach code, each in each parameter a page reads (a random
    search would rarely put `0000` exactly in `year`)."""
    for name in KNOWN_NAMES:
        for value in ODD_VALUES:
            query = f"{name}={quote(value, safe='')}"
            for url in public_addresses:
                response = Client().get(f"{url}?{query}")
                assert response.status_code < 500, f"GET {url}?{query}"


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(query=query_strings, method=st.sampled_from(["get", "head"]))
def test_any_query_string_on_any_public_page_is_never_a_server_error(public_addresses, query, method):
    for url in public_addresses:
        response = getattr(Client(), method)(f"{url}?{query}")
        assert response.status_code < 500, f"{method.upper()} {url}?{query}"


@pytest.mark.parametrize(
    "query", ["year=0000", "year=0", "year=%C2%B2", "year=9999", "kind=key-update&year=0001"]
)
def test_impossible_years_on_the_index_are_a_clean_not_found(query):
    load_seed_content()
    response = Client().get(f"/publications/?{query}")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
