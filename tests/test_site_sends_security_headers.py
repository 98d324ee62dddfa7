"""Every response carries the security headers; the strict CSP breaks neither the public
pages nor the editors' admin in a real browser.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import STAFF_PASSWORD
from tests.servers import TemporarySite

EXPECTED_CSP = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "frame-src": {"https://www.youtube-nocookie.com", "https://player.vimeo.com"},
    "frame-ancestors": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
    "object-src": {"'none'"},
}


def parse_csp(header):
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = set(sources)
    return directives


def assert_security_headers(response):
    csp = parse_csp(response["Content-Security-Policy"])
    assert csp == EXPECTED_CSP
    assert not any("unsafe" in source for sources in csp.values() for source in sources)
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    if response["Content-Type"].startswith("text/html"):
        # For older browsers; frame-ancestors covers the others, static files included.
        assert response["X-Frame-Options"] == "DENY"
    permissions = dict(
        item.strip().split("=", 1) for item in response["Permissions-Policy"].split(",")
    )
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert permissions[feature] == "()"


@pytest.mark.django_db
def test_every_kind_of_page_carries_the_security_headers(client, settings, make_publication):
    # WhiteNoise serves static files from the finders (no collectstatic in tests); it reads
    # these when this test's client builds its middleware, at the first request.
    settings.WHITENOISE_USE_FINDERS = settings.WHITENOISE_AUTOREFRESH = True
    publication = make_publication(slug="first-key-update")
    pages = {
        "/": 200,
        "/publication/first-key-update/": 200,
        "/admin/login/": 200,
        "/no-such-page/": 404,
        "/static/css/site.css": 200,
        publication.cover.url: 200,
        "/healthz": 200,
    }
    for path, status in pages.items():
        response = client.get(path)
        assert response.status_code == status, path
        assert_security_headers(response)
    # A page answered from the page cache (which sits before the policies' middleware)
    # carries the same headers, stored with it.
    for path in ("/", "/publication/first-key-update/", "/fr/"):
        first, second = client.get(path), client.get(path)
        assert second["X-Page-Cache"] == "hit", path
        assert_security_headers(second)
        assert second["Content-Language"] == first["Content-Language"]


def test_a_cached_page_is_stored_anew_when_a_policy_changes(client, settings, db):
    from publications.models import SiteContent

    SiteContent.load()  # the site's texts exist (the first load creates them)
    client.get("/")
    assert client.get("/")["X-Page-Cache"] == "hit"
    settings.PERMISSIONS_POLICY = {**settings.PERMISSIONS_POLICY, "midi": []}
    response = client.get("/")
    assert response["X-Page-Cache"] == "miss" and "midi=()" in response["Permissions-Policy"]


def test_analytics_origin_is_allowed_only_once_configured(tmp_path):
    print_csp = (
        "from django.test import Client; "
        "print(Client(HTTP_HOST='localhost').get('/healthz')['Content-Security-Policy'])"
    )
    without = TemporarySite(tmp_path / "a").manage("shell", "-v0", "-c", print_csp).stdout
    assert parse_csp(without.strip()) == EXPECTED_CSP
    configured = TemporarySite(
        tmp_path / "b", ANALYTICS_SCRIPT_URL="https://stats.example.org/js/script.js"
    ).manage("shell", "-v0", "-c", print_csp).stdout
    csp = parse_csp(configured.strip())
    for directive in ("script-src", "img-src", "connect-src"):
        assert csp[directive] == EXPECTED_CSP[directive] | {"https://stats.example.org"}
    assert csp["style-src"] == {"'self'"} and csp["default-src"] == {"'self'"}


RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.mark.django_db(transaction=True)
def test_editor_uses_the_admin_in_chromium_without_any_csp_violation(
    live_server, page, editor, make_publication
):
    make_publication(title="Existing publication", slug="existing-publication")
    console_errors = []
    page.on(
        "console",
        lambda message: console_errors.append(message.text) if message.type == "error" else None,
    )
    page.add_init_script(RECORD_VIOLATIONS)

    def visit(path):
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
        assert page.evaluate("window.__cspViolations") == [], path

    visit("/")
    visit("/publication/existing-publication/")
    visit("/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site content")).to_be_visible()
    for path in ("/admin/", "/admin/publications/publication/", "/admin/publications/sitecontent/"):
        visit(path)
    visit("/admin/publications/publication/?q=Existing")

    # The admin's own JavaScript runs under the policy: the slug follows the title as typed,
    # and the date shortcuts are added next to the date field.
    visit("/admin/publications/publication/add/")
    page.get_by_label("Title [en]").press_sequentially("Third Key Update")
    expect(page.get_by_label("Slug")).to_have_value("third-key-update")
    expect(page.get_by_role("link", name="Today").first).to_be_visible()
    assert page.evaluate("window.__cspViolations") == []
    assert not [text for text in console_errors if "Content Security Policy" in text]

    # The detector itself works: an inline script is refused and reported.
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = '1'; "
        "document.body.append(s); }"
    )
    page.wait_for_function("window.__cspViolations.length > 0")
    assert re.match(r"script-src", page.evaluate("window.__cspViolations")[0])
