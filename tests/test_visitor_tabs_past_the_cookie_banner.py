"""A keyboard user tabs through whole pages while the cookie banner shows, in real Chromium:
the banner never covers the element that has focus (WCAG 2.2, 2.4.11 Focus Not Obscured),
on a laptop, a phone and at 200 % zoom, in English, Arabic and Russian."""

import pytest
from playwright.sync_api import expect

from publications.seed import load_seed_content
from tests.accessibility import FOCUS_COVERED_BY_BANNER, FOCUSABLE, NOT_REACHED

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("consent_seed"), pytest.mark.presentation]

PATHS = ("/", "/publications/", "/publication/international-ai-safety-report-2025/", "/privacy/")


@pytest.mark.parametrize("prefix", ["", "/ar", "/ru"])
@pytest.mark.parametrize("width, height", [(1280, 720), (390, 844), (640, 360)])
def test_the_banner_never_covers_what_has_focus(live_server, browser, prefix, width, height):
    load_seed_content()
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    covered = []
    for path in PATHS:
        context.clear_cookies()  # a first visit: the banner shows
        page.goto(live_server.url + prefix + path)
        expect(page.locator("[data-consent-banner]")).to_be_visible()
        count = page.evaluate(f"({FOCUSABLE})().length")
        for _ in range(count + 2):
            page.keyboard.press("Tab")
            found = page.evaluate(FOCUS_COVERED_BY_BANNER)
            if found:
                covered.append(f"{prefix}{path}: {found}")
        assert page.evaluate(f"({NOT_REACHED})()") == [], f"{prefix}{path}: not every element was reached"
    context.close()
    assert covered == [], "\n".join(covered)


def test_the_banner_comes_first_in_reading_and_tab_order(live_server, page):
    load_seed_content()
    page.goto(live_server.url + "/")
    order = page.evaluate("""() => {
      const banner = document.querySelector("[data-consent-banner]");
      const follows = node => banner.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_FOLLOWING;
      return [follows(document.querySelector(".skip-link")), follows(document.querySelector("footer"))];
    }""")
    assert all(order), "the banner is not before the skip link and the footer"
    page.keyboard.press("Tab")
    expect(page.locator("[data-consent-banner] a").first).to_be_focused()
