"""Real Chromium as the tests and the benchmarks in bench/ drive it (Debian's /usr/bin/chromium)."""

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
# Root needs --no-sandbox; the network flags stop Chromium calling home on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def image_bytes_received(browser, url, viewport, device_scale_factor=1):
    """Open `url` in a fresh context (empty cache), scroll to the end so that every lazy
    image loads, and return the bytes received for images (bodies and headers) by URL."""
    context = browser.new_context(viewport=viewport, device_scale_factor=device_scale_factor)
    page = context.new_page()
    received = {}

    def count(request):
        if request.resource_type == "image":
            sizes = request.sizes()
            received[request.url] = sizes["responseBodySize"] + sizes["responseHeadersSize"]

    page.on("requestfinished", count)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_timeout(300)
    page.wait_for_load_state("networkidle")
    context.close()
    return received
