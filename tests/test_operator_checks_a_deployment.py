"""An operator deploys with the documented production settings: Django's deployment check
is clean, and Gunicorn serves the site over (proxied) HTTPS with hashed, compressed static
files from WhiteNoise.
"""

import gzip
import re
import subprocess
import urllib.error
import urllib.request

import pytest

from tests.servers import GUNICORN, PROJECT, TemporarySite, free_port, read_env_file

PRODUCTION_EXAMPLE = PROJECT / ".env.production.example"
PORT = free_port()
HOST = "report.example.org"


def production_values():
    """The example's settings; the key, folders and address are the temporary site's own."""
    values = read_env_file(PRODUCTION_EXAMPLE)
    assert values["SECRET_KEY"] == "", "the example must not ship a usable secret key"
    assert values["BACKUP_SIGNING_KEY"] == "", "nor a usable backup signing key"
    for own in ("SECRET_KEY", "BACKUP_SIGNING_KEY", "MEDIA_ROOT", "STATIC_ROOT", "BACKUP_DIR",
                "GUNICORN_BIND"):
        values.pop(own, None)
    assert "DATABASE_URL" not in values  # the example keeps the embedded default
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


def test_every_setting_read_from_the_environment_is_documented():
    read = set()
    for source, pattern in (
        ("reportsite/settings.py", r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"'),
        ("gunicorn.conf.py", r'os\.environ\.get\(\s*"([A-Z][A-Z0-9_]+)"'),
    ):
        read |= set(re.findall(pattern, (PROJECT / source).read_text()))
    assert {"DEBUG", "SECRET_KEY", "CACHE_URL", "ADMIN_URL", "GUNICORN_BIND"} <= read
    example = (PROJECT / ".env.example").read_text()
    table = (PROJECT / "docs" / "configuration.md").read_text()
    undocumented = sorted(
        name for name in read if not re.search(rf"\b{name}\b", example) or f"`{name}`" not in table
    )
    assert undocumented == [], "document these in .env.example and docs/configuration.md"


@pytest.mark.parametrize(
    "variables, message",
    [
        ({"MEDIA_STORAGE": "ftp"}, "MEDIA_STORAGE must be 'local' or 's3' (got 'ftp')."),
        ({"ADMIN_URL": "/admin"}, "ADMIN_URL must be a relative path ending with a slash"),
        ({"SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO"}, "SECURE_PROXY_SSL_HEADER must be"),
    ],
)
def test_a_mistyped_production_setting_stops_start_up_with_one_clear_sentence(
    tmp_path, variables, message
):
    result = TemporarySite(tmp_path, **variables).manage("check", check=False)
    assert result.returncode != 0
    assert message in result.stderr.strip().splitlines()[-1]


def test_s3_media_storage_without_django_storages_says_what_to_install(tmp_path):
    # django-storages is an optional extra (requirements-s3.txt), not in requirements.txt;
    # the suite installs it for the several-servers tests, so this site's Python is made
    # to lack it (a None entry in sys.modules makes the import fail, as if not installed).
    hide = tmp_path / "without-django-storages"
    hide.mkdir()
    (hide / "sitecustomize.py").write_text("import sys\nsys.modules['storages'] = None\n")
    site = TemporarySite(
        tmp_path / "site", MEDIA_STORAGE="s3", AWS_STORAGE_BUCKET_NAME="reports", PYTHONPATH=hide
    )
    result = site.manage("check", check=False)
    assert result.stderr.strip().splitlines()[-1].endswith(
        "MEDIA_STORAGE=s3 needs django-storages: pip install -r requirements-s3.txt"
    )


def gunicorn_config(folder, **variables):
    output = subprocess.run(
        [str(GUNICORN), "--print-config"], cwd=PROJECT, env=TemporarySite(folder, **variables).env,
        capture_output=True, text=True, timeout=60, check=True,
    ).stdout
    return dict(re.findall(r"^(\w+)\s+= (.*)$", output, re.MULTILINE))


def test_gunicorn_config_file_takes_its_values_from_the_environment(tmp_path):
    config = gunicorn_config(tmp_path, GUNICORN_BIND="127.0.0.1:8511", WEB_CONCURRENCY="3")
    assert config["wsgi_app"] == "reportsite.wsgi:application"
    assert config["bind"] == "['127.0.0.1:8511']"
    assert config["workers"] == "3"
    assert config["accesslog"] == "-"
    assert config["control_socket_disable"] == "True"
    with_socket = gunicorn_config(tmp_path, GUNICORN_CONTROL_SOCKET="true")
    assert with_socket["control_socket_disable"] == "False"
    # Behind nginx, which logs every request, the second log line can go.
    assert gunicorn_config(tmp_path, GUNICORN_ACCESS_LOG="off")["accesslog"] == "None"
