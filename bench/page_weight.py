"""Page weight of the landing page and a publication page.

Prints, for `/` and a publication page: the SQL queries a view makes (rendered / served
from the page cache), the HTML bytes it
sends, and the image bytes real Chromium receives at 390 px (phone) and 1280 px (laptop)
wide at 1 device pixel per CSS pixel, and at 390 px on a 3x phone screen, scrolled to the
end so that every lazy image loads, with an empty cache.

Everything runs on a temporary database and media folder filled with the seed content,
served by Django's threaded WSGI server on 127.0.0.1 (first free port of 8400-8449) with
DEBUG off, collected static files and WhiteNoise, as in production.

    .venv/bin/python bench/page_weight.py                 # seed content
    .venv/bin/python bench/page_weight.py --print-cover   # plus a 4000 × 5600 PNG cover
"""

import argparse
import io
import os
import shutil
import socket
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browsers import CHROMIUM, CHROMIUM_ARGS, image_bytes_received  # noqa: E402

PORTS = range(8400, 8450)
# (viewport width, device pixel ratio): the phone and laptop, and a phone of today.
SCREENS = ((390, 1), (1280, 1), (390, 3))


def configure(folder):
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "reportsite.settings",
            "DEBUG": "false",
            "SECRET_KEY": "page-weight-benchmark-only",
            "ALLOWED_HOSTS": "127.0.0.1,testserver",
            "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
            "MEDIA_ROOT": str(folder / "media"),
            # Playwright's sync API keeps an event loop in this thread; the database is
            # only used before it starts and from the server's own threads.
            "DJANGO_ALLOW_ASYNC_UNSAFE": "true",
        }
    )
    import django
    from django.conf import settings

    django.setup()
    settings.STATIC_ROOT = folder / "static"


def prepare_content(print_cover):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from publications.models import Publication
    from publications.seed import load_seed_content

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    load_seed_content()
    if not print_cover:
        return Publication.objects.get(slug="international-ai-safety-report-2025")
    from PIL import Image

    size = (4000, 5600)
    noise = Image.effect_noise((2000, 2800), 40).resize(size, Image.NEAREST)
    gradient = Image.linear_gradient("L").resize(size)
    buffer = io.BytesIO()
    Image.merge("RGB", (noise, gradient, Image.new("L", size, 90))).save(
        buffer, "PNG", compress_level=1
    )
    publication = Publication(
        title="A report with a print-sized cover",
        slug="print-sized-cover",
        kind=Publication.Kind.KEY_UPDATE,
        publication_date="2025-12-01",
        summary="Its cover is a 4000 × 5600 PNG of several megabytes.",
        cover_alt="Front cover",
        status=Publication.Status.PUBLISHED,
    )
    publication.cover = SimpleUploadedFile("print-cover.png", buffer.getvalue(), "image/png")
    publication.full_clean()
    publication.save()
    print(f"Print-sized cover: {len(buffer.getvalue()):,} bytes, 4000 × 5600 pixels.")
    return publication


def queries_and_html(path):
    """SQL queries to render the page (page cache missed) and from the page cache, HTML bytes."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from reportsite.pagecache import content_changed

    client = Client()
    client.get(path)  # once first: a fresh database creates the site texts on first use
    content_changed()  # as an editor's save does: the next request renders the page
    with CaptureQueriesContext(connection) as rendered:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    with CaptureQueriesContext(connection) as cached:
        assert client.get(path)["X-Page-Cache"] == "hit"
    return f"{len(rendered)}/{len(cached)}", len(response.content)


def start_server():
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    for port in PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                continue
        try:
            server = ThreadedWSGIServer(("127.0.0.1", port), QuietHandler)
        except OSError:
            continue
        server.set_app(get_wsgi_application())
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server, f"http://127.0.0.1:{port}"
    sys.exit(f"No free port in {PORTS.start}-{PORTS.stop - 1}.")


def image_bytes(browser, url, width, scale):
    received = image_bytes_received(browser, url, {"width": width, "height": 900}, scale)
    return sum(received.values()), len(received)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--print-cover",
        action="store_true",
        help="also add a publication with a 4000 × 5600 PNG cover and measure its page",
    )
    arguments = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="page-weight-"))
    try:
        configure(folder)
        publication = prepare_content(arguments.print_cover)
        paths = ["/", publication.get_absolute_url()]
        figures = {path: queries_and_html(path) for path in paths}
        server, base = start_server()
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
            )
            images = {
                (path, screen): image_bytes(browser, base + path, *screen)
                for path in paths
                for screen in SCREENS
            }
            browser.close()
        server.shutdown()

        print(f"Served from {base} (DEBUG off); image bytes with every lazy image loaded.")
        header = f"{'page':<58} {'SQL':>5} {'HTML bytes':>11}" + "".join(
            f" {f'images {w}px@{x}x':>16}" for w, x in SCREENS
        )
        print(header)
        print("-" * len(header))
        for path in paths:
            queries, html = figures[path]
            cells = "".join(
                f" {f'{images[path, s][0]:,} ({images[path, s][1]})':>16}" for s in SCREENS
            )
            print(f"{path:<58} {queries:>5} {html:>11,}{cells}")
        print("SQL = queries when the page is rendered / when it comes from the page cache.")
        print("(n) = number of images received; @1x/@3x = device pixel ratio.")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
