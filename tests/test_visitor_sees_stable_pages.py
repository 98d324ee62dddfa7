"""Public pages in real Chromium: nothing moves while they load, the cookie banner included."""

import time

import pytest

from publications.models import Publication

# Every layout shift Chromium recorded since the page started loading (buffered entries).
LAYOUT_SHIFT = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve(total), 500);
})"""

# The seed publications, and the consent policy and purposes that make the banner show.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("consent_seed"), pytest.mark.presentation]


def test_first_visit_pages_do_not_shift_while_loading(live_server, page):
    from publications.seed import load_seed_content

    load_seed_content()
    publication = Publication.objects.get(slug="international-ai-safety-report-2025")
    paths = ("/", "/publications/", publication.get_absolute_url(), "/privacy/")

    # Scripts arrive after the first paint, as on a slow network: what they reveal or
    # change must not move what the visitor already sees.
    def slow_script(route):
        time.sleep(0.3)
        route.continue_()

    page.route("**/*.js", slow_script)
    for width, height in ((390, 844), (1280, 800)):
        page.set_viewport_size({"width": width, "height": height})
        for path in paths:
            page.context.clear_cookies()  # a first visit: the banner shows
            page.goto(live_server.url + path, wait_until="load")
            assert page.locator("[data-consent-banner]").is_visible(), path
            shift = page.evaluate(LAYOUT_SHIFT)
            assert shift == 0, (width, path, shift)


def test_cookie_banner_sits_first_at_the_top_of_long_and_short_pages(live_server, page):
    """In the page's flow, first (GOV.UK's cookie banner): it covers nothing (issue 20)."""
    from publications.seed import load_seed_content

    load_seed_content()
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/", "/no-such-page/"):
        page.goto(live_server.url + path)
        box = page.locator("[data-consent-banner]").bounding_box()
        assert box["y"] == 0, path
        assert page.evaluate("getComputedStyle(document.querySelector('[data-consent-banner]')).position") == "static"
        # Its three choices share one row on a phone.
        buttons = page.locator("[data-consent-banner] button").all()
        assert len({round(button.bounding_box()["y"]) for button in buttons}) == 1, path
