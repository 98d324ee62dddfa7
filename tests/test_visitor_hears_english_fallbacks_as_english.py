"""On the French, Spanish, Russian, Chinese and Arabic pages, every English text shown for
want of a translation says it is English (WCAG 3.1.2 Language of Parts), image alternative
texts and video captions included; partner links are named once."""

import pytest

from publications.seed import PARTNERS, load_seed_content

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("consent_seed"), pytest.mark.presentation]

VIDEO = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
PATHS = (
    "/", "/publications/", "/publication/international-ai-safety-report-2025/",
    "/publication/with-video/",
)
ALTS = "() => Object.fromEntries([...document.images].map(img => [img.currentSrc || img.src, img.alt]))"
UNMARKED = """english => [...document.images]
  .filter(img => img.alt && english[img.currentSrc || img.src] === img.alt)
  .filter(img => img.closest("[lang]").getAttribute("lang") !== "en")
  .map(img => img.alt)"""


@pytest.fixture
def pages(live_server, page, make_publication):
    load_seed_content()
    make_publication(slug="with-video", title="A publication with a video", video_url=VIDEO)
    page.set_viewport_size({"width": 1280, "height": 900})
    english = {}
    for path in PATHS:
        page.goto(live_server.url + path)
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # lazy images
        english[path] = page.evaluate(ALTS)
    return page, english


# Each language is a subtest (reported on its own) of one test: the site and the English
# pages' alternative texts are made and read once, not once per language.
def test_english_alt_texts_and_captions_are_marked_english(live_server, pages, subtests):
    page, english = pages
    for prefix in ("/fr", "/es", "/ru", "/zh-hans", "/ar"):
        with subtests.test(language=prefix):
            for path in PATHS:
                page.goto(live_server.url + prefix + path)
                page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
                alts = page.evaluate(ALTS)
                fallbacks = [alt for src, alt in alts.items() if alt and english[path].get(src) == alt]
                assert fallbacks or path == "/publication/with-video/", "nothing to check: no fallback alt"
                assert page.evaluate(UNMARKED, english[path]) == [], prefix + path
            caption = page.locator("figcaption")
            assert caption.locator('[lang="en"]').inner_text() == "A publication with a video"


def test_partner_links_are_named_once(live_server, page):
    load_seed_content()
    page.goto(live_server.url + "/fr/")
    for partner in PARTNERS:
        link = page.locator(f'a[href="{partner["website"]}"]')
        assert link.evaluate("a => a.querySelector('img').getAttribute('aria-hidden')") == "true"
        assert page.get_by_role("link", name=partner["name"], exact=True).count() == 1
