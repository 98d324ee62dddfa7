"""A visitor with Windows high-contrast colours (`forced-colors: active`), in real Chromium:
the cookie switches still show on and off, and the settings dialog has a visible edge."""

import io

import pytest
from PIL import Image, ImageChops
from playwright.sync_api import expect

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("consent_seed")]


@pytest.fixture
def visitor(browser, live_server):
    context = browser.new_context(base_url=live_server.url, forced_colors="active")
    page = context.new_page()
    yield page
    context.close()


def picture(locator):
    return Image.open(io.BytesIO(locator.screenshot(animations="disabled"))).convert("RGB")


def test_a_switch_looks_different_on_and_off(visitor):
    visitor.goto("/privacy/")
    assert visitor.evaluate("matchMedia('(forced-colors: active)').matches")
    switch = visitor.locator("#cookie-settings").get_by_role("switch", name="Analytics")
    expect(switch).not_to_be_checked()
    off = picture(switch)
    switch.check()
    switch.blur()  # the focus ring is not what tells the states apart
    visitor.mouse.move(0, 0)
    expect(switch).to_be_checked()
    on = picture(switch)
    difference = ImageChops.difference(off, on).convert("L")
    changed = sum(difference.histogram()[65:])  # pixels that changed by more than 64 of 255
    # Not a few anti-aliased pixels: the track or the knob changed colour.
    assert changed > off.width * off.height // 10, changed


def test_the_dialog_has_a_visible_edge(visitor):
    visitor.goto("/")
    visitor.locator("[data-consent-banner] [data-consent-open]").click()
    dialog = visitor.get_by_role("dialog", name="Cookie settings")
    expect(dialog).to_be_visible()
    style = dialog.evaluate(
        "d => { const s = getComputedStyle(d); return [s.borderTopStyle, parseFloat(s.borderTopWidth),"
        " s.borderTopColor, s.backgroundColor] }"
    )
    border_style, width, colour, background = style
    assert border_style != "none" and width >= 2 and colour != background, style
