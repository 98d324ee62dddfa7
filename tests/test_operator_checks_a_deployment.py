"""An operator deploys with the documented production settings: Django's deployment check
is clean, and Gunicorn serves the site over (proxied) HTTPS with hashed, compressed static
files from WhiteNoise.
"""

import gzip
import re
import urllib.error
import urllib.request

import pytest

from tests.servers import PROJECT, TemporarySite, read_env_file

PRODUCTION_EXAMPLE = PROJECT / ".env.production.example"
PORT = 8510
HOST = "report.example.org"


def production_values():
    values = read_env_file(PRODUCTION_EXAMPLE)
    assert values["SECRET_KEY"] == "", "the example must not ship a usable secret key"
    del values["SECRET_KEY"]  # the site generates one per test
    return values


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(path, https=True, headers=None):
    """GET through the imaginary TLS proxy: its Host and X-Forwarded-Proto headers."""
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", headers=headers or {})
    request.add_header("Host", HOST)
    if https:
        request.add_header("X-Forwarded-Proto", "https")
    opener = urllib.request.build_opener(NoRedirects)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_deployment_check_is_clean_with_the_production_example(tmp_path):
    site = TemporarySite(tmp_path, **production_values())
    result = site.manage("check", "--deploy", "--fail-level", "WARNING", check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_deployment_check_names_each_missing_protection_with_development_defaults(tmp_path):
    site = TemporarySite(tmp_path)  # DEBUG off and a key, but none of the HTTPS settings
    result = site.manage("check", "--deploy", "--fail-level", "WARNING", check=False)
    assert result.returncode != 0
    for warning in ("W004", "W008", "W012", "W016"):  # HSTS, SSL redirect, both cookies
        assert f"security.{warning}" in result.stderr


def test_gunicorn_serves_the_production_site_with_hashed_compressed_static_files(tmp_path):
    site = TemporarySite(tmp_path, **production_values()).prepare()
    with site.gunicorn(PORT, host_header=HOST, headers={"X-Forwarded-Proto": "https"}):
        status, headers, body = fetch("/")
        assert status == 200
        assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
        html = body.decode()
        assert "Second Key Update" in html
        stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', html)
        assert stylesheet, "the page should link the hashed stylesheet from the manifest"

        status, headers, body = fetch(stylesheet.group(1), headers={"Accept-Encoding": "gzip"})
        assert status == 200
        assert headers["Content-Encoding"] == "gzip"
        assert "immutable" in headers["Cache-Control"] and "max-age=315360000" in headers["Cache-Control"]
        original = (PROJECT / "static/css/site.css").read_bytes()
        assert gzip.decompress(body) == original

        # Plain HTTP is sent to HTTPS, except the load balancer's health probe.
        status, headers, _ = fetch("/", https=False)
        assert (status, headers["Location"]) == (301, f"https://{HOST}/")
        assert fetch("/healthz", https=False)[0] == 200

        # The admin lives where ADMIN_URL says; its cookies are Secure.
        assert fetch("/admin/login/")[0] == 404
        status, headers, _ = fetch("/editors/login/")
        assert status == 200
        cookie = headers["Set-Cookie"]
        assert cookie.startswith("csrftoken=") and "Secure" in cookie
