"""Visitors get public pages compressed, and each stored page was compressed only once."""

import gzip

import brotli
import pytest
from django.test import Client

from publications.seed import load_seed_content
from reportsite import pagecache

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("consent_seed")]


@pytest.fixture
def compressions(monkeypatch):
    """Counts calls of the page cache's compressor (the real one runs)."""
    calls = []
    real = pagecache.compressed_bodies

    def counted(content):
        calls.append(len(content))
        return real(content)

    monkeypatch.setattr(pagecache, "compressed_bodies", counted)
    return calls


def test_each_stored_page_is_compressed_once_whatever_the_encodings_asked(compressions):
    load_seed_content()
    pages = ["/", "/fr/", "/publications/"]
    for _ in range(3):
        for path in pages:
            for encoding in ("br", "gzip", "gzip, deflate, br", "identity", ""):
                response = Client().get(path, headers={"Accept-Encoding": encoding})
                assert response.status_code == 200
    assert len(compressions) == len(pages), compressions


def test_the_body_comes_in_the_encoding_asked_for_with_its_own_etag():
    load_seed_content()
    plain = Client().get("/", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain
    etags = {plain["ETag"]}
    for encoding, decompress in (("br", brotli.decompress), ("gzip", gzip.decompress)):
        for _ in range(2):  # stored, then from the cache
            response = Client().get("/", headers={"Accept-Encoding": f"{encoding}, deflate"})
            assert response["Content-Encoding"] == encoding
            assert "Accept-Encoding" in response["Vary"]
            assert int(response["Content-Length"]) == len(response.content)
            assert decompress(response.content) == plain.content
            etags.add(response["ETag"])
        again = Client().get("/", headers={"Accept-Encoding": encoding,
                                           "If-None-Match": response["ETag"]})
        assert again.status_code == 304
    assert len(etags) == 3
    # A refusal (q=0) is honoured.
    refused = Client().get("/", headers={"Accept-Encoding": "br;q=0, gzip"})
    assert refused["Content-Encoding"] == "gzip"
    nothing = Client().get("/", headers={"Accept-Encoding": "br;q=0, gzip;q=0"})
    assert "Content-Encoding" not in nothing and nothing.content == plain.content


def test_decided_visitors_get_a_variant_cookie_the_app_never_trusts():
    load_seed_content()
    visitor = Client()
    shown = visitor.get("/privacy/").content.decode().split('name="shown" value="')[1]
    response = visitor.post(
        "/consent/", {"action": "accept", "next": "/", "shown": shown.split('"')[0]},
        headers={"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 303
    variant = response.cookies["pagevariant"].value
    assert variant.startswith("p")
    decided_page = visitor.get("/")
    assert "pagevariant" not in decided_page.cookies  # it names their variant already
    # The same variant cookie without the signed one: a new visitor's page, and the
    # forged cookie is removed.
    forger = Client()
    forger.cookies["pagevariant"] = variant
    page = forger.get("/")
    assert page.content == Client().get("/").content != decided_page.content
    assert page.cookies["pagevariant"].value == ""
