"""Screenshots of the public pages in real Chromium, for a person to look at.

Starts the same production-like site as bench/lighthouse.py (seed content, DEBUG off,
Gunicorn on the first free port of 8600-8649) and saves, for `/`, a publication page,
`/publications/` and `/privacy/`, at 390 px (phone) and 1280 px (laptop) wide:

    <page>-<width>-banner.png   the first screen of a first visit, cookie banner showing
    <page>-<width>.png          the whole page once the visitor has declined

    .venv/bin/python bench/screenshots.py                    # into docs/screenshots/
    .venv/bin/python bench/screenshots.py --out /tmp/shots   # elsewhere
    .venv/bin/python bench/screenshots.py --url http://127.0.0.1:8610   # a running site

Chromium is Debian's, at $CHROME_PATH or /usr/bin/chromium (see /work/shared or the
README's "How to test": Playwright drives it; never `playwright install`).
"""

import argparse
import contextlib
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.lighthouse import CHROME_FLAGS, PAGES, free_port  # noqa: E402
from deploy.processes import TemporarySite  # noqa: E402

WIDTHS = (390, 1280)
HEIGHTS = {390: 844, 1280: 800}


def shrink(path):
    """256 colours are plenty for text and flat colours, and a third of the bytes in git."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


def load_lazy_images(page):
    """Scroll to the end and back, so that a full-page shot shows the lazy images."""
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_load_state("networkidle")
    page.wait_for_function(
        "Array.from(document.images).every(image => image.complete)", timeout=10000
    )
    page.evaluate("window.scrollTo(0, 0)")


LANGUAGE_PREFIXES = {"fr", "es", "ru", "zh-hans", "ar"}


def page_name(path):
    """"home", "publication", ...; prefixed with the language for other languages: "ar-home"."""
    parts = path.strip("/").split("/")
    if parts[0] in LANGUAGE_PREFIXES:
        return f"{parts[0]}-{parts[1] if len(parts) > 1 and parts[1] else 'home'}"
    return parts[0] or "home"


@contextlib.contextmanager
def site_url(url):
    if url:
        yield url.rstrip("/")
        return
    with tempfile.TemporaryDirectory(prefix="reportsite-screenshots-") as folder:
        site = TemporarySite(folder, ALLOWED_HOSTS="127.0.0.1,localhost").prepare()
        port = free_port()
        with site.gunicorn(port, workers=2):
            yield f"http://127.0.0.1:{port}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--url", help="use this running site instead of starting one")
    parser.add_argument("paths", nargs="*", default=PAGES, help="pages (default: the four), e.g. /ar/")
    arguments = parser.parse_args()
    arguments.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with site_url(arguments.url) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROME_PATH", "/usr/bin/chromium"),
            args=[flag for flag in CHROME_FLAGS.split() if not flag.startswith("--headless")],
        )
        for width in WIDTHS:
            viewport = {"width": width, "height": HEIGHTS[width]}
            for path in arguments.paths:
                name = f"{page_name(path)}-{width}"
                # A first visit: a fresh context has no consent cookie, so the banner shows.
                context = browser.new_context(viewport=viewport)
                page = context.new_page()
                page.goto(base + path, wait_until="networkidle")
                page.screenshot(path=arguments.out / f"{name}-banner.png")
                shrink(arguments.out / f"{name}-banner.png")
                # By value, not by label: the label is in the page's language.
                page.locator('[data-consent-banner] button[value="decline"]').click()
                page.locator("[data-consent-banner]").wait_for(state="detached")
                page.goto(base + path, wait_until="networkidle")
                load_lazy_images(page)
                page.screenshot(path=arguments.out / f"{name}.png", full_page=True)
                shrink(arguments.out / f"{name}.png")
                context.close()
                print(f"{name}: {arguments.out / name}[-banner].png")
        browser.close()


if __name__ == "__main__":
    main()
