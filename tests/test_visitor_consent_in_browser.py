"""A visitor decides about cookies in real Chromium, with JavaScript on and off."""

import re

import pytest
from playwright.sync_api import expect

from consent.models import ConsentRecord, PolicyVersion
from tests.accessibility import assert_axe_clean
from tests.conftest import ANALYTICS_URL

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("consent_seed")]

VIDEO = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
OFF = {"functional": True, "embeds": False, "analytics": False}


@pytest.fixture(params=["js", "no-js"])
def visitor(request, browser, live_server, analytics):
    """A fresh browser profile; third parties are answered locally and every call is logged."""
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=request.param == "js"
    )
    page = context.new_page()
    page.third_party_requests = []

    def third_party(route):
        page.third_party_requests.append(route.request.url)
        if route.request.url == ANALYTICS_URL:
            route.fulfill(body="window.analyticsRan = true;", content_type="text/javascript")
        else:
            route.fulfill(body="<!doctype html><title>player</title>", content_type="text/html")

    page.route(re.compile(r"^https://"), third_party)
    page.javascript = request.param == "js"
    yield page
    context.close()


def banner(page):
    return page.locator("#consent-banner")


def analytics_tags(page):
    return page.locator(f'script[src="{ANALYTICS_URL}"]')


def test_visitor_declines(visitor):
    visitor.goto("/")
    expect(banner(visitor)).to_be_visible()
    expect(banner(visitor).get_by_role("heading")).to_have_text("Use of personal data and cookies")
    banner(visitor).get_by_role("button", name="Decline").click()
    expect(banner(visitor)).to_have_count(0)
    assert list(ConsentRecord.objects.values_list("choices", "action")) == [(OFF, "decline_all")]
    visitor.goto("/privacy/")  # the next page
    expect(banner(visitor)).to_have_count(0)
    expect(analytics_tags(visitor)).to_have_count(0)
    visitor.goto("/")
    expect(banner(visitor)).to_have_count(0)
    expect(analytics_tags(visitor)).to_have_count(0)
    assert visitor.third_party_requests == []


def test_visitor_customises_analytics_on_and_embeds_off(visitor, make_publication):
    make_publication(slug="with-video", video_url=VIDEO)
    visitor.goto("/")
    banner(visitor).get_by_role("button", name="Customize").click()
    if visitor.javascript:
        settings_form = visitor.locator("#consent-dialog")
        expect(settings_form).to_be_visible()
    else:
        expect(visitor).to_have_url(re.compile(r"/privacy/\?next=%2F#cookie-settings$"))
        settings_form = visitor.locator("#cookie-settings")
    expect(settings_form.get_by_role("switch", name="Functional")).to_be_checked()
    expect(settings_form.get_by_role("switch", name="Functional")).to_be_disabled()
    expect(settings_form.get_by_role("switch", name="Analytics")).not_to_be_checked()
    settings_form.get_by_role("switch", name="Analytics").check()
    settings_form.get_by_role("button", name="Save choices").click()
    expect(banner(visitor)).to_have_count(0)
    expect(visitor).to_have_url(re.compile(r"/$"))
    record = ConsentRecord.objects.get()
    assert record.choices == {"functional": True, "embeds": False, "analytics": True}
    assert record.action == "custom"
    if visitor.javascript:
        # Applied without a reload: the analytics script was added and ran.
        expect(analytics_tags(visitor)).to_have_count(1)
        # Polled with evaluate (CDP), as wait_for_function's eval is refused by the CSP.
        for _ in range(50):
            if visitor.evaluate("window.analyticsRan === true"):
                break
            visitor.wait_for_timeout(100)
        assert visitor.evaluate("window.analyticsRan === true"), "the analytics script never ran"
    visitor.goto("/publication/with-video/")
    expect(analytics_tags(visitor)).to_have_count(1)
    expect(visitor.locator("iframe")).to_have_count(0)
    expect(visitor.get_by_text("This video is hosted by YouTube")).to_be_visible()
    assert visitor.third_party_requests == [ANALYTICS_URL] * len(visitor.third_party_requests)


def test_visitor_accepts_then_withdraws_through_cookie_settings(visitor):
    visitor.goto("/")
    if visitor.javascript:
        visitor.evaluate("window.sameDocument = true")
    banner(visitor).get_by_role("button", name="Accept").click()
    expect(banner(visitor)).to_have_count(0)
    expect(analytics_tags(visitor)).to_have_count(1)
    if visitor.javascript:
        assert visitor.evaluate("window.sameDocument") is True  # the banner closed in place
        expect(visitor.get_by_role("status")).to_have_text("Your choices have been saved.")

    visitor.get_by_role("contentinfo").get_by_role("link", name="Cookie settings").click()
    if visitor.javascript:
        settings_form = visitor.locator("#consent-dialog")
        expect(settings_form).to_be_visible()
    else:
        expect(visitor).to_have_url(re.compile(r"/privacy/#cookie-settings$"))
        settings_form = visitor.locator("#cookie-settings")
    expect(settings_form.get_by_role("switch", name="Analytics")).to_be_checked()
    settings_form.get_by_role("button", name="Decline all").click()

    expect(analytics_tags(visitor)).to_have_count(0)  # a fresh page: nothing keeps running
    records = list(ConsentRecord.objects.order_by("sequence"))
    assert [r.action for r in records] == ["accept_all", "withdraw"]
    assert records[1].choices == OFF and records[0].consent_id == records[1].consent_id
    visitor.goto("/privacy/")
    expect(visitor.get_by_text(str(records[0].consent_id))).to_be_visible()
    expect(visitor.locator(".consent-history tbody tr")).to_have_count(2)
    expect(analytics_tags(visitor)).to_have_count(0)


def test_a_new_policy_version_brings_the_banner_back(visitor):
    visitor.goto("/")
    banner(visitor).get_by_role("button", name="Accept").click()
    expect(banner(visitor)).to_have_count(0)
    visitor.goto("/")
    expect(banner(visitor)).to_have_count(0)
    PolicyVersion.objects.create(number=2, text="We changed our analytics provider.")
    visitor.goto("/")
    expect(banner(visitor)).to_be_visible()
    expect(analytics_tags(visitor)).to_have_count(0)


def test_an_embedded_video_stays_a_placeholder_until_the_visitor_loads_it(visitor, make_publication):
    make_publication(slug="with-video", title="Video publication", video_url=VIDEO)
    visitor.goto("/publication/with-video/")
    placeholder = visitor.locator(".consent-embed__placeholder")
    expect(placeholder).to_contain_text("This video is hosted by YouTube")
    expect(visitor.locator("iframe")).to_have_count(0)
    load = placeholder.get_by_role("link", name="Load this content")
    expect(load).to_have_attribute("href", VIDEO)
    assert visitor.third_party_requests == []
    if visitor.javascript:
        load.click()  # once: nothing is recorded
        frame = visitor.locator("iframe")
        expect(frame).to_have_attribute("src", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ")
        expect(frame).to_have_attribute("title", "Video: Video publication")
        assert ConsentRecord.objects.count() == 0
        visitor.reload()
        expect(visitor.locator("iframe")).to_have_count(0)  # only once
    visitor.get_by_role("button", name="Always allow embedded content").click()
    frame = visitor.locator("iframe")
    expect(frame).to_have_attribute("src", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ")
    if visitor.javascript:
        expect(frame).to_be_focused()  # focus is not lost with the button that went away
    assert ConsentRecord.objects.get().choices == {
        "functional": True, "embeds": True, "analytics": False
    }
    visitor.goto("/publication/with-video/")
    expect(visitor.locator("iframe")).to_have_count(1)
    assert all("youtube-nocookie.com" in url for url in visitor.third_party_requests)


def test_the_dialog_works_with_the_keyboard_alone(page, live_server):
    page.goto(live_server.url + "/")
    customize = banner(page).get_by_role("button", name="Customize")
    customize.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Cookie settings")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("switch", name="Embedded external content")).to_be_focused()
    page.keyboard.press("Escape")  # Escape closes, focus goes back where it was
    expect(dialog).to_be_hidden()
    expect(customize).to_be_focused()

    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("switch", name="Analytics")).to_be_focused()
    page.keyboard.press("Space")
    expect(dialog.get_by_role("switch", name="Analytics")).to_be_checked()
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Save choices")).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(banner(page)).to_have_count(0)
    # Focus goes to the confirmation of what was saved, in the banner's place (issue 20).
    expect(page.get_by_role("status")).to_be_focused()
    assert ConsentRecord.objects.get().choices == {
        "functional": True, "embeds": False, "analytics": True
    }
    # The page behind an open dialog is inert: tabbing cycles through the dialog (and the
    # browser's own controls, where focus leaves the document) but never reaches the page.
    page.get_by_role("contentinfo").get_by_role("link", name="Cookie settings").focus()
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    for _ in range(12):
        page.keyboard.press("Tab")
        assert page.evaluate(
            "(el => el === document.body || el.closest('dialog') !== null)(document.activeElement)"
        )


def test_the_banner_buttons_have_equal_prominence(page, live_server):
    page.goto(live_server.url + "/")
    boxes, colours = [], set()
    for name in ("Customize", "Decline", "Accept"):
        button = banner(page).get_by_role("button", name=name)
        boxes.append(button.bounding_box()["height"])
        colours.add(button.evaluate(
            "b => { const s = getComputedStyle(b); return [s.backgroundColor, s.color, s.fontWeight, s.fontSize].join() }"
        ))
    assert len(colours) == 1 and max(boxes) - min(boxes) < 1


def test_no_accessibility_violations_with_banner_and_with_dialog(page, live_server):
    page.goto(live_server.url + "/")
    expect(banner(page)).to_be_visible()
    assert_axe_clean(page)
    banner(page).get_by_role("button", name="Customize").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    assert_axe_clean(page)


def test_no_accessibility_violations_on_the_privacy_page(page, live_server):
    page.goto(live_server.url + "/")
    banner(page).get_by_role("button", name="Accept").click()
    expect(banner(page)).to_have_count(0)
    page.goto(live_server.url + "/privacy/")
    assert_axe_clean(page)
