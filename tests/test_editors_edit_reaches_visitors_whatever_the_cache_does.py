"""An editor's edit reaches every visitor whatever happens to the cache: a page rendered
between the write and the commit is not kept (the generation moves again on commit), and
with Redis full, restarted from an old dump or flushed, the content generation in the
database still moves every page on (issue 15, findings 10 and 11). A full Redis shows in
/healthz and in the log, and the consent rate limit goes on counting (in the database)."""

import contextlib
import shutil
import subprocess
import time
import urllib.error
import urllib.request

import pytest
import redis

from tests.servers import TemporarySite, free_port

TITLE = "International AI Safety Report"


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def edit_hero_title(site, title, between=""):
    """Save a new hero title in another process; `between` runs before the commit."""
    site.manage("shell", "-c", (
        "from django.db import transaction\n"
        "from publications.models import SiteContent\n"
        "with transaction.atomic():\n"
        "    content = SiteContent.load()\n"
        f"    content.hero_title = {title!r}\n"
        "    content.save()\n"
        + "".join(f"    {line}\n" for line in between.splitlines())
    ))


def everyone_sees(origin, text, seconds=5, fetches=12):
    """Within `seconds`, `fetches` pages in a row (over every worker) show `text`."""
    deadline = time.monotonic() + seconds
    while True:
        pages = [fetch(origin + "/")[1] for _ in range(fetches)]
        if all(text in page for page in pages):
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)


def test_a_page_rendered_between_the_write_and_the_commit_is_not_kept(tmp_path):
    site = TemporarySite(tmp_path / "site").prepare()
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    # One worker: the page rendered in between is in the cache that serves the next visit.
    with site.gunicorn(port, workers=1):
        assert TITLE in fetch(origin + "/")[1]
        edit_hero_title(site, "Changed before the commit", between=(
            "import urllib.request\n"
            f"page = urllib.request.urlopen({origin + '/'!r}, timeout=30).read().decode()\n"
            "assert 'Changed before the commit' not in page, 'the render saw the new title'\n"
        ))
        assert everyone_sees(origin, "Changed before the commit", seconds=0)


class RedisServer:
    """A Redis of the test's own, with a password, that the test can fill, stop, restart
    from its dump file and flush."""

    def __init__(self, folder):
        self.program = shutil.which("redis-server")
        if self.program is None:
            pytest.skip("redis-server is not installed (the CI script installs it)")
        self.folder, self.port, self.password = folder, free_port(), "test-redis-password"
        self.url = f"redis://:{self.password}@127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [self.program, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder), "--dbfilename", "dump.rdb",
             "--requirepass", self.password],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            with contextlib.suppress(redis.ConnectionError):
                if self.client().ping():
                    return
            time.sleep(0.05)
        raise AssertionError("Redis did not start")

    def client(self):
        return redis.Redis.from_url(self.url)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()  # without `save`, the dump on disk stays as it was
            self.process.wait(timeout=10)


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def served(tmp_path, redis_server):
    site = TemporarySite(tmp_path / "site", CACHE_URL=redis_server.url, CONSENT_RATE_LIMIT="5/h")
    site.prepare()
    port = free_port()
    log = tmp_path / "gunicorn.log"
    with site.gunicorn(port, workers=2, log=log):
        origin = f"http://127.0.0.1:{port}"
        assert TITLE in fetch(origin + "/")[1]
        yield site, origin, log


def consent_posts(origin, count):
    statuses = []
    for _ in range(count):
        request = urllib.request.Request(
            origin + "/consent/", data=b"action=decline", method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": origin,
                     "Accept": "application/json", "Connection": "close"},
        )
        statuses.append(fetch(request)[0])
    return statuses


def test_with_redis_full_an_edit_reaches_every_visitor_and_health_says_so(served, redis_server):
    site, origin, log = served
    for _ in range(4):  # cached in Redis
        fetch(origin + "/")
    client = redis_server.client()
    client.config_set("maxmemory-policy", "noeviction")
    client.config_set("maxmemory", "1")  # full: every write is refused from now on
    edit_hero_title(site, "Edited while Redis is full")
    assert everyone_sees(origin, "Edited while Redis is full")
    status, body = fetch(origin + "/healthz")
    assert status == 503 and '"cache": "error"' in body
    # Said once per worker (two), not once per request.
    full = log.read_text().count("Cache (Redis) is full and refuses writes (maxmemory)")
    assert 1 <= full <= 2, full
    # The rate limit goes on counting, in the database.
    assert consent_posts(origin, 7) == [200] * 5 + [429] * 2
    client.config_set("maxmemory", "0")


def test_with_redis_restarted_from_an_old_dump_an_edit_reaches_every_visitor(
    served, redis_server
):
    site, origin, _log = served
    for _ in range(4):
        fetch(origin + "/")
    redis_server.client().save()  # the dump holds the old generation and the old pages
    redis_server.stop()
    edit_hero_title(site, "Edited while Redis was away")
    redis_server.start()
    assert redis_server.client().dbsize() > 0, "the old dump was not loaded"
    assert everyone_sees(origin, "Edited while Redis was away")


def test_with_redis_flushed_an_edit_reaches_every_visitor(served, redis_server):
    site, origin, _log = served
    redis_server.client().flushall()
    for _ in range(4):
        fetch(origin + "/")
    edit_hero_title(site, "Edited after a flush")
    assert everyone_sees(origin, "Edited after a flush")
