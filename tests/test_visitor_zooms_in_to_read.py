"""A visitor with low vision zooms to 400 % (a 320×256 window) or sets a 32 px default font,
in real Chromium: the cookie banner takes at most half of the screen with its three buttons
in view, no page scrolls sideways, and no button label overflows its button, in every
language (WCAG 2.2: 1.4.10 Reflow, 1.4.4 Resize Text)."""

import pytest
from playwright.sync_api import expect

from publications.seed import load_seed_content
from tests.accessibility import HORIZONTAL_OVERFLOW, OVERFLOWING_LABELS

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("consent_seed"), pytest.mark.presentation]

PREFIXES = ("", "/fr", "/es", "/ru", "/zh-hans", "/ar")
PATHS = ("/", "/publications/", "/publication/international-ai-safety-report-2025/", "/privacy/")
ZOOMED = {"width": 320, "height": 256}


@pytest.fixture
def visitor(live_server, browser):
    load_seed_content()
    context = browser.new_context(viewport=ZOOMED, base_url=live_server.url)
    yield context.new_page()
    context.close()


def default_font_size(page, pixels):
    """As the browser's own text-size setting does (it moves rem, em and media queries)."""
    page.context.new_cdp_session(page).send(
        "Page.setFontSizes", {"fontSizes": {"standard": pixels}}
    )


# Each language is a subtest (reported on its own) of one test: the live site is made and
# emptied once per test, not once per language.
def test_at_400_percent_the_banner_takes_half_the_screen_with_its_buttons_in_view(visitor, subtests):
    for prefix in PREFIXES:
        with subtests.test(language=prefix or "/en"):
            visitor.goto(prefix + "/privacy/")
            banner = visitor.locator("[data-consent-banner]")
            box = banner.bounding_box()
            assert box["y"] == 0 and box["height"] <= ZOOMED["height"] / 2, box
            buttons = banner.get_by_role("button").all()
            assert len(buttons) == 3
            for button in buttons:
                button_box = button.bounding_box()
                # Wholly inside the banner as it shows, without scrolling it or the page.
                assert box["y"] <= button_box["y"] and button_box["y"] + button_box["height"] <= box["y"] + box["height"]
                assert 0 <= button_box["x"] and button_box["x"] + button_box["width"] <= ZOOMED["width"]
                assert button.evaluate(
                    "b => { const r = b.getBoundingClientRect();"
                    " return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) === b }"
                ), button.inner_text()
            assert visitor.evaluate("scrollY") == 0
            # The policy can be read before choosing: the banner is in the page's flow, so
            # scrolling brings the policy into view, uncovered.
            policy = visitor.locator(".consent-policy__text p").first
            policy.evaluate("p => p.scrollIntoView({block: \"start\", behavior: \"instant\"})")
            assert policy.evaluate(
                "p => { const r = p.getBoundingClientRect();"
                " return p.contains(document.elementFromPoint(r.x + 10, r.y + 5)) }"
            )
            expect(banner).to_be_visible()  # nothing was chosen


def test_at_400_percent_no_page_scrolls_sideways(visitor, subtests):
    for prefix in PREFIXES:
        with subtests.test(language=prefix or "/en"):
            for path in (*PATHS, "/no-such-page/"):
                visitor.goto(prefix + path)
                assert visitor.evaluate(HORIZONTAL_OVERFLOW) <= 0, prefix + path


@pytest.mark.parametrize("font_size", [16, 32])
def test_no_button_label_overflows_at_320_px(visitor, font_size, subtests):
    visitor.set_viewport_size({"width": 320, "height": 640})
    default_font_size(visitor, font_size)
    for prefix in PREFIXES:
        with subtests.test(language=prefix or "/en"):
            for path in PATHS:
                visitor.goto(prefix + path)
                assert visitor.evaluate(f"({OVERFLOWING_LABELS})()") == [], prefix + path
                assert visitor.evaluate(HORIZONTAL_OVERFLOW) <= 0, prefix + path
            visitor.locator("[data-consent-banner] [data-consent-open]").click()
            expect(visitor.locator("#consent-dialog")).to_be_visible()
            assert visitor.evaluate(f"({OVERFLOWING_LABELS})()") == [], prefix + " dialog"
