"""The reading pages in real Chromium at phone and desktop widths: axe-clean (with the
cookie banner and after it is dismissed), no horizontal overflow, the contents panel and
the permalinks by keyboard, footnotes there and back, a print without navigation."""

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from tests.accessibility import assert_axe_clean
from tests.editions_helpers import imported, publish, sample

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("consent_seed")]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def report(tmp_path, make_publication, editor):
    editor.user_permissions.add(Permission.objects.get(codename="publish_editionversion"))
    publication = make_publication(slug="report")
    # The longest chapter is chapter 1 (the equation); long words and a wide table too.
    path, _ = sample(tmp_path, chapters=2, sections=3, figures=2, tables=1, notes=2)
    text = path.read_text().replace(
        "The relation is", "Supercalifragilisticexpialidociousandevenlongerwordwithoutanybreak. The relation is"
    )
    path.write_text(text)
    return publish(imported(path, publication), editor)


@pytest.mark.presentation
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_reading_pages_pass_axe_with_and_without_the_banner(live_server, page, report, viewport):
    page.set_viewport_size(viewport)
    paths = ["/publication/report/read/", "/publication/report/read/chapter-1/",
             "/publication/report/read/fig-1/", "/publication/report/read/tbl-1/",
             "/publication/report/read/sec-1-1/cite/",
             # Right to left, the English text marked as such.
             "/ar/publication/report/read/chapter-1/"]
    for path in paths:
        page.goto(live_server.url + path)
        expect(page.locator("#consent-banner")).to_be_visible()
        assert_axe_clean(page)
    page.goto(live_server.url + paths[0])
    page.locator("#consent-banner").get_by_role("button", name="Decline", exact=True).click()
    expect(page.locator("#consent-banner")).to_have_count(0)
    for path in paths:
        page.goto(live_server.url + path)
        assert_axe_clean(page)
        width = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert width <= 0, f"{path} overflows by {width}px at {viewport['width']}px"


def tab_to(page, selector, presses=200):
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return page.locator(":focus")
    raise AssertionError(f"{selector} not reached by Tab")


@pytest.mark.presentation
def test_contents_panel_by_keyboard_on_a_phone_and_always_shown_on_a_desktop(live_server, page, report):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/publication/report/read/chapter-1/")
    panel_link = page.locator(".reader-contents ol a").first
    expect(panel_link).to_be_hidden()
    tab_to(page, ".reader-contents summary")
    page.keyboard.press("Enter")
    expect(panel_link).to_be_visible()
    link = tab_to(page, ".reader-contents a")
    expect(link).to_have_attribute("aria-current", "page")
    section_link = tab_to(page, ".reader-contents ol ol a")
    target = section_link.get_attribute("href")
    page.keyboard.press("Enter")
    page.wait_for_function(f"location.hash === {target!r}")

    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + "/publication/report/read/chapter-1/")
    expect(panel_link).to_be_visible()
    page.mouse.wheel(0, 3000)
    page.wait_for_timeout(200)
    expect(page.locator(".reader-contents")).to_be_in_viewport()


@pytest.mark.presentation
def test_permalinks_are_reached_by_keyboard_shown_and_copy_the_right_address(live_server, page, report):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + "/publication/report/read/chapter-1/")
    permalink = tab_to(page, "h2 a.permalink")
    assert page.evaluate("getComputedStyle(document.activeElement).opacity") == "1"
    href = permalink.get_attribute("href")
    assert href == "/publication/report/read/sec-1-1/"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "permalink-copy"
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('.permalink-status').textContent !== ''")
    assert page.evaluate("navigator.clipboard.readText()") == live_server.url + href
    # The address leads back to the section, in its chapter.
    page.goto(live_server.url + href)
    assert page.url == live_server.url + "/publication/report/read/chapter-1/#sec-1-1"


@pytest.mark.presentation
def test_footnotes_go_there_and_back(live_server, page, report):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/publication/report/read/chapter-1/")
    reference = page.locator("#fnref-1")
    expect(reference).to_have_attribute("aria-label", "Note 1")
    # With JavaScript, the note shows in place while its number has the focus.
    reference.focus()
    expect(page.locator("#footnote-tip")).to_contain_text("Note 1:")
    expect(reference).to_have_attribute("aria-describedby", "footnote-tip")
    page.keyboard.press("Escape")
    expect(page.locator("#footnote-tip")).to_have_count(0)
    reference.click()
    page.wait_for_function("location.hash === '#fn-1'")
    expect(page.locator("#fn-1")).to_be_in_viewport()
    back = page.locator("#fn-1 .reader-notes__back")
    expect(back).to_have_attribute("aria-label", "Back to the text of note 1")
    back.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("location.hash === '#fnref-1'")
    expect(reference).to_be_in_viewport()


@pytest.mark.presentation
def test_a_printed_chapter_has_no_navigation_and_starts_on_a_new_page(live_server, page, report):
    page.goto(live_server.url + "/publication/report/read/chapter-1/")
    page.emulate_media(media="print")
    for selector in (".site-header", ".reader-contents", ".reader-pager", ".site-footer", ".reader-cite",
                     ".reader-section__cite"):
        assert page.evaluate(f"getComputedStyle(document.querySelector({selector!r})).display") == "none", selector
    assert page.evaluate("getComputedStyle(document.querySelector('.reader-chapter')).breakBefore") == "page"
    assert page.pdf()[:4] == b"%PDF"


def test_an_old_address_with_a_fragment_finds_the_section_in_its_new_chapter(live_server, page, report):
    # As after a re-import that moved section 1.1 out of chapter 2 (JavaScript asks the
    # server where the identifier lives now).
    page.goto(live_server.url + "/publication/report/read/chapter-2/#sec-1-1")
    page.wait_for_url(live_server.url + "/publication/report/read/chapter-1/#sec-1-1")
    expect(page.locator("#sec-1-1")).to_be_in_viewport()
