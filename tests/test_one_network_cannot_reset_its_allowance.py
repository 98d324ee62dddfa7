"""A network that floods the consent endpoint cannot reset its allowance: the rate-limit
counters live apart from the page cache (reportsite.counters), so no page traffic can
evict them, and on the embedded default every Gunicorn worker counts together
(issue 15, finding 2). When the counters' store fails, decisions are still recorded."""

import concurrent.futures
import contextlib
import datetime
import logging
import time
import urllib.error
import urllib.request

import pytest
from django.db import connection
from django.test import Client

from consent.models import ConsentRecord
from reportsite import pagecache
from tests.servers import TemporarySite, free_port
from tests.test_one_network_floods_the_consent_endpoint import decide, redis_url  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("consent_seed")]


def away_from_a_minute_boundary(seconds=30):
    """Fixed one-minute windows: start a burst that takes up to `seconds` where it ends in
    the same window (waiting for the next one only when this one has less left)."""
    if datetime.datetime.now().second > 60 - seconds:
        time.sleep(61 - datetime.datetime.now().second)


@pytest.mark.slow
def test_a_flood_of_pages_then_the_61st_decision_in_the_minute_is_refused(client, make_publication):
    away_from_a_minute_boundary()
    make_publication()
    for _ in range(60):
        assert decide(client, "203.0.113.7").status_code == 303
    # The flood of the report: many spellings of a page, and real pages in every language...
    for number in range(700):
        Client().get(f"/publications/?page={'0' * (number % 50)}1&utm={number}")
        Client().get(f"/?utm_source={number}")
    # ...and, worse than any flood, the page cache emptied outright.
    pagecache.cache().clear()
    refused = decide(client, "203.0.113.9")
    assert refused.status_code == 429
    assert ConsentRecord.objects.count() == 60


def test_when_redis_cannot_count_the_database_does_and_the_log_says_so_once(
    client, settings, caplog
):
    settings.CONSENT_RATE_LIMIT = "5/h"
    # Port 9 (discard): nothing answers there, as when Redis is down or refuses writes.
    settings.CACHES = {
        **settings.CACHES,
        "counters": {
            "BACKEND": "reportsite.rediscache.DegradingRedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }
    caplog.set_level(logging.INFO, logger="reportsite.counters")
    statuses = [decide(client, "203.0.113.7").status_code for _ in range(7)]
    assert statuses == [303] * 5 + [429] * 2
    assert ConsentRecord.objects.count() == 5
    lines = [r.getMessage() for r in caplog.records if r.name == "reportsite.counters"]
    assert len(lines) == 1 and "counting in the database" in lines[0], lines


def test_when_nothing_can_count_decisions_are_still_recorded_and_the_log_says_so_once(
    client, settings, caplog
):
    settings.CONSENT_RATE_LIMIT = "2/h"
    # Counted in the database (as on the embedded default), whose table is gone.
    settings.CACHES = {alias: cache for alias, cache in settings.CACHES.items() if alias != "counters"}
    caplog.set_level(logging.INFO, logger="reportsite.counters")
    with connection.cursor() as cursor:  # undone with the test's transaction
        cursor.execute("DROP TABLE reportsite_ratecounter")
    for _ in range(4):
        assert decide(client, "203.0.113.7").status_code == 303
    assert ConsentRecord.objects.count() == 4
    lines = [r.getMessage() for r in caplog.records if r.name == "reportsite.counters"]
    assert len(lines) == 1 and "letting requests through uncounted" in lines[0], lines


def burst(origin, posts, address_header=None):
    """`posts` decisions at once, each on its own connection (spread over the workers)."""

    def post(_):
        request = urllib.request.Request(
            origin + "/consent/", data=b"action=decline", method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": origin,
                     "Accept": "application/json", "Connection": "close"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(post, range(posts)))


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_a_burst_at_several_gunicorn_workers_on_the_default_setup_accepts_60(tmp_path):
    # The embedded default: SQLite and each worker's own local-memory cache.
    site = TemporarySite(tmp_path / "site", CACHE_URL="locmemcache://")
    site.prepare(seed=False)
    port = free_port()
    with site.gunicorn(port, workers=4):
        away_from_a_minute_boundary(seconds=15)  # the burst takes 3 s (10 on a busy machine)
        statuses = burst(f"http://127.0.0.1:{port}", 130)
    assert statuses.count(200) == 60 and statuses.count(429) == 70, statuses
    count = site.manage(
        "shell", "-v0", "-c",
        "from consent.models import ConsentRecord; print(ConsentRecord.objects.count())",
    ).stdout.strip()
    assert count == "60"


def test_the_limit_holds_across_workers_sharing_redis_and_survives_a_flood_there(
    tmp_path, redis_url  # noqa: F811
):
    site = TemporarySite(tmp_path / "site", CACHE_URL=redis_url, CONSENT_RATE_LIMIT="10/h")
    site.prepare(seed=False)
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    with site.gunicorn(port, workers=3):
        assert burst(origin, 10).count(200) == 10
        for number in range(300):
            for url in (f"/?utm={number}", f"/publications/?page={'0' * (number % 40)}1"):
                with contextlib.suppress(urllib.error.HTTPError):
                    urllib.request.urlopen(origin + url, timeout=30).close()
        assert burst(origin, 5) == [429] * 5


def test_a_networks_window_in_redis_always_ends_even_when_redis_lost_its_count(
    client, settings, redis_url  # noqa: F811
):
    """One atomic script per count (INCR, EXPIRE on the window's first): no key is ever
    left without its expiry, which would hold a network back for good."""
    import redis

    from reportsite import counters

    settings.CONSENT_RATE_LIMIT = "3/h"
    settings.CACHES = {
        **settings.CACHES,
        "counters": {"BACKEND": "reportsite.rediscache.DegradingRedisCache",
                     "LOCATION": redis_url, "KEY_PREFIX": "counters"},
    }
    server = redis.Redis.from_url(redis_url)
    statuses = [decide(client, "203.0.113.7").status_code for _ in range(4)]
    assert statuses == [303, 303, 303, 429]
    (key,) = server.keys("*ratelimit*")
    assert int(server.get(key)) == 4 and 0 < server.ttl(key) <= 3601
    # Redis loses the count (restarted, flushed, evicted): the window starts again, with its
    # expiry, and Redis is told the script again if it forgot it.
    server.flushall()
    server.script_flush()
    assert counters.count("consent.decide", "203.0.113.0/24", 3600)[0] == 1
    assert 0 < server.ttl(key) <= 3601
    assert ConsentRecord.objects.count() == 3
