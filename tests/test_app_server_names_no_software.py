"""The app server's answers name no software (`Server: gunicorn` was sent on every
response) and a public page answers TRACE with 405, straight from Gunicorn (issue 15,
finding 9)."""

import http.client

from tests.servers import TemporarySite, free_port


def ask(port, method, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(method, path, headers={"Host": "127.0.0.1"})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, {name.lower(): value for name, value in response.getheaders()}, body


def test_gunicorn_names_no_software_and_public_pages_refuse_trace(tmp_path):
    site = TemporarySite(tmp_path / "site").prepare()
    port = free_port()
    with site.gunicorn(port, workers=2):
        for _ in range(4):  # over both workers
            for method, path in (("GET", "/"), ("GET", "/healthz"), ("GET", "/nowhere/")):
                status, headers, _body = ask(port, method, path)
                assert status in (200, 404)
                assert "server" not in headers, (path, headers.get("server"))
            status, headers, body = ask(port, "TRACE", "/")
            assert status == 405 and b"TRACE" not in body and "server" not in headers
            assert ask(port, "TRACE", "/publications/")[0] == 405
