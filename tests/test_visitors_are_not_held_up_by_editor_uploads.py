"""Visitors deciding about cookies are answered promptly while an editor saves a 20 MB
cover: the image is checked before, and its renditions made after, the database write
transaction (with SQLite one connection writes at a time).

Real processes: Gunicorn with the production settings on a SQLite file (TemporarySite).
"""

import http.cookiejar
import io
import os
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

from PIL import Image

from tests.conftest import STAFF_PASSWORD
from tests.servers import TemporarySite, free_port

# No visitor waits longer than this for a consent decision. A decision takes ~20-100 ms on
# this 2-core machine even under load; the bound leaves room for a busy machine (CPU
# shared with Pillow and other test runs) but is well below what a visitor waited when
# the editor's save held the write lock (the whole check + renditions: several seconds,
# which the test checks the save really takes).
CONSENT_BOUND_SECONDS = 1.5
# How long the save itself takes varies with the machine (1.7-7 s seen here); the check
# below also keeps every decision under half the save, so a decision that waited for the
# whole save fails however fast the machine is.
MINIMUM_EDITOR_SAVE_SECONDS = 1.0


def print_sized_cover():
    """A real ~20 MB JPEG: 4000 × 5000 pixels of noise (noise does not compress)."""
    width, height = 4000, 5000
    image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def multipart(fields, files):
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, content, content_type) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def csrf_token(opener, url):
    with opener.open(url, timeout=30) as response:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.read().decode()).group(1)


def post(opener, url, body, content_type, timeout=120):
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type})
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def consent_decision(base_url, number):
    request = urllib.request.Request(
        base_url + "/consent/",
        data=f"action={'accept' if number % 2 else 'decline'}&next=/".encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
            "Origin": base_url,
            "Sec-Fetch-Site": "same-origin",
            "User-Agent": f"upload-test/{number}",
        },
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status = response.status
            response.read()
    except urllib.error.HTTPError as error:
        status = error.code
    return status, time.perf_counter() - started


def test_consent_decisions_are_answered_promptly_while_an_editor_saves_a_20_mb_cover(tmp_path):
    cover = print_sized_cover()
    assert 18_000_000 <= len(cover) <= 25 * 1024 * 1024, len(cover)
    site = TemporarySite(tmp_path / "site").prepare(seed=False)
    site.manage(
        "shell", "-c",
        "from django.contrib.auth.models import User; "
        f"User.objects.create_superuser('editor', 'editor@example.org', {STAFF_PASSWORD!r})",
    )
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    editor = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect
    )
    with site.gunicorn(port, workers=3):
        token = csrf_token(editor, base_url + "/admin/login/")
        status, _ = post(
            editor,
            base_url + "/admin/login/?next=/admin/",
            urllib.parse.urlencode(
                {"csrfmiddlewaretoken": token, "username": "editor", "password": STAFF_PASSWORD}
            ).encode(),
            "application/x-www-form-urlencoded",
        )
        assert status == 302, "the editor could not log in"
        add_url = base_url + "/admin/publications/publication/add/"
        body, content_type = multipart(
            {
                "csrfmiddlewaretoken": csrf_token(editor, add_url),
                "title_en": "A print-sized cover",
                "slug": "print-sized-cover",
                "kind": "key-update",
                "publication_date": "2026-02-10",
                "summary_en": "Saved while visitors decide about cookies.",
                "cover_alt_en": "Front cover",
                "publish_at_0": "2026-01-01",
                "publish_at_1": "09:00:00",
                "documents-TOTAL_FORMS": "0",
                "documents-INITIAL_FORMS": "0",
                # Published at once, renditions made (Publish is the one way live).
                "_publish": "Publish",
            },
            {"cover": ("print-cover.jpg", cover, "image/jpeg")},
        )
        for warm_up in range(3):  # every worker has its database connection open
            assert consent_decision(base_url, warm_up)[0] == 200

        saved = {}

        def save_cover():
            started = time.perf_counter()
            saved["status"], saved["body"] = post(editor, add_url, body, content_type)
            saved["seconds"] = time.perf_counter() - started

        editor_thread = threading.Thread(target=save_cover)
        editor_thread.start()
        decisions = []
        number = 10
        while editor_thread.is_alive():
            decisions.append(consent_decision(base_url, number))
            number += 1
            time.sleep(0.1)
        editor_thread.join()

    assert saved["status"] == 302, saved["body"][:2000]
    log = (site.folder / "gunicorn.log").read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]
    latencies = sorted(seconds for _, seconds in decisions)
    print(
        f"editor's save: {saved['seconds']:.1f} s; {len(decisions)} consent decisions meanwhile, "
        f"median {latencies[len(latencies) // 2] * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms"
    )
    # Otherwise the test could not tell a blocked visitor from a quick one.
    assert saved["seconds"] >= MINIMUM_EDITOR_SAVE_SECONDS, saved["seconds"]
    assert all(status == 200 for status, _ in decisions), decisions
    bound = min(CONSENT_BOUND_SECONDS, saved["seconds"] / 2)
    assert latencies[-1] <= bound, (bound, latencies[-5:])
    assert len(decisions) >= 10
    published = site.manage(
        "shell", "-v0", "-c",
        "from publications.models import Publication as P; p = P.objects.get(); "
        "print(p.cover.name, len(p.cover_renditions['webp']))",
    ).stdout.split()
    assert published[0].startswith("covers/print-sized-cover-") and published[1] == "5", published
