"""An operator sees every server error: with DEBUG off, Gunicorn's standard error carries one
line per error and its traceback below, and with SENTRY_DSN set the error also reaches
Sentry (here a stand-in server speaking its protocol). The failing page is test-only
(tests/broken_page_site), run through DJANGO_SETTINGS_MODULE."""

import gzip
import http.server
import re
import subprocess
import threading
import time
import urllib.error
import urllib.request
import zlib

import brotli
import pytest

from tests.broken_page_site.urls import ERROR_MESSAGE
from tests.servers import PROJECT, PYTHON, TemporarySite, free_port, free_ports

BROKEN_SITE = {"DJANGO_SETTINGS_MODULE": "tests.broken_page_site.settings"}


def get(url, **headers):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture(scope="module")
def broken_site(tmp_path_factory):
    return TemporarySite(tmp_path_factory.mktemp("broken-site"), **BROKEN_SITE).prepare(seed=False)


@pytest.mark.slow
def test_a_server_error_and_its_traceback_are_on_gunicorns_standard_error(broken_site, tmp_path):
    port = free_port()
    errors, access = tmp_path / "stderr.log", tmp_path / "stdout.log"
    with broken_site.gunicorn(port, workers=1, log=access, errors=errors):
        status, page = get(f"http://127.0.0.1:{port}/broken-page/")
        assert status == 500 and "Something went wrong" in page
        assert ERROR_MESSAGE not in page, "the visitor must not see the error"
        deadline = time.monotonic() + 10
        while ERROR_MESSAGE not in errors.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
    lines = errors.read_text().splitlines()
    heading = [
        number
        for number, line in enumerate(lines)
        if re.fullmatch(r"\S+ \S+ ERROR django\.request: Internal Server Error: /broken-page/", line)
    ]
    assert len(heading) == 1, "\n".join(lines)
    traceback = lines[heading[0] + 1 :]
    assert traceback[0] == "Traceback (most recent call last):"
    assert f"RuntimeError: {ERROR_MESSAGE}" in traceback
    assert ERROR_MESSAGE not in access.read_text()


class StandInSentry(http.server.ThreadingHTTPServer):
    """Keeps the bodies of the envelopes Sentry's SDK posts (decompressed)."""

    def __init__(self, port):
        self.envelopes = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(handler):
                body = handler.rfile.read(int(handler.headers["Content-Length"]))
                encoding = handler.headers.get("Content-Encoding", "")
                if encoding == "gzip":
                    body = gzip.decompress(body)
                elif encoding == "deflate":
                    body = zlib.decompress(body)
                elif encoding == "br":  # the SDK's choice when the brotli module is installed
                    body = brotli.decompress(body)
                self.envelopes.append((handler.path, body.decode(errors="replace")))
                handler.send_response(200)
                handler.send_header("Content-Type", "application/json")
                handler.end_headers()
                handler.wfile.write(b"{}")

            def log_message(handler, *args):
                pass

        super().__init__(("127.0.0.1", port), Handler)


def test_with_sentry_dsn_set_the_error_reaches_sentry_without_personal_data(broken_site, tmp_path):
    sentry_port, port = free_ports(2)
    sentry = StandInSentry(sentry_port)
    threading.Thread(target=sentry.serve_forever, daemon=True).start()
    broken_site.env["SENTRY_DSN"] = f"http://publickey@127.0.0.1:{sentry_port}/42"
    try:
        with broken_site.gunicorn(port, workers=1, log=tmp_path / "gunicorn.log"):
            status, _ = get(
                f"http://127.0.0.1:{port}/broken-page/?q=1",
                Cookie="consent=visitor-cookie-value",
                **{"X-Forwarded-For": "203.0.113.9"},
            )
            assert status == 500
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and not any(
                ERROR_MESSAGE in body for _, body in sentry.envelopes
            ):
                time.sleep(0.1)
    finally:
        del broken_site.env["SENTRY_DSN"]
        sentry.shutdown()
    reports = [(path, body) for path, body in sentry.envelopes if ERROR_MESSAGE in body]
    assert reports, f"nothing reached Sentry: {sentry.envelopes!r}"
    path, body = reports[0]
    assert path == "/api/42/envelope/"
    assert '"RuntimeError"' in body and "/broken-page/" in body
    assert "visitor-cookie-value" not in body and "203.0.113.9" not in body
    assert "{{auto}}" not in body, "the visitor's IP address would be stored"


def test_without_sentry_dsn_the_sdk_is_not_even_imported(broken_site):
    result = broken_site.manage(
        "shell", "-v", "0", "-c",
        "import sys; print('sentry_sdk' in sys.modules, 'django' in sys.modules)",
    )
    assert result.stdout.split() == ["False", "True"]


def test_sentry_dsn_set_without_the_sdk_installed_stops_with_a_clear_message(broken_site):
    # The SDK is installed here for the test above: hide it as if it never was.
    script = (
        "import runpy, sys; sys.modules['sentry_sdk'] = None; "
        "sys.argv = ['manage.py', 'check']; runpy.run_path('manage.py', run_name='__main__')"
    )
    result = subprocess.run(
        [PYTHON, "-c", script],
        cwd=PROJECT,
        env={**broken_site.env, "SENTRY_DSN": "https://publickey@sentry.example/1"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SENTRY_DSN is set but sentry-sdk is not installed" in result.stderr
    assert "pip install -r requirements-sentry.txt" in result.stderr
