"""The several-servers topology (deploy/topology.py) attacked at its cache, its proxies and
its storage (issue 15, finding 10): a client that reaches an app server directly cannot
escape the lockout or the rate limit with a forged X-Forwarded-For, a poisoned Redis runs
nothing, a frozen S3 is a 503 within seconds, and /media/ serves nothing local.

Selected only with `-m several_servers` (the third stage of .ci/run), like
tests/test_operator_runs_several_servers.py; a missing part is an error, never a skip.
"""

import json
import os
import pickle
import signal
import time

import pytest
import redis
from playwright.sync_api import expect

from deploy.topology import Topology
from tests.test_operator_runs_several_servers import SEEDED_SLUG, _failed_login, admin_login
from tests.test_someone_writes_to_the_redis_cache import RunsACommand
from tests.topology import create_editor, database_count, fetch

pytestmark = pytest.mark.several_servers

RATE_LIMIT = 8
# Not nginx's 127.0.0.1: a host on the app servers' network, talking to them directly.
NEIGHBOUR = "127.0.60.5"


@pytest.fixture(scope="module")
def topology():
    site = Topology(AXES_FAILURE_LIMIT=5, CONSENT_RATE_LIMIT=f"{RATE_LIMIT}/m")
    site.start()
    create_editor(site)
    yield site
    site.stop()


def test_straight_to_an_app_server_rotating_forwarded_for_still_locks_out(topology):
    statuses = [
        _failed_login(topology.app_url(0), NEIGHBOUR, forwarded_for=f"198.51.100.{attempt}")
        for attempt in range(8)
    ]
    assert statuses == [200] * 4 + [429] * 4, statuses
    addresses = topology.psql(
        "SELECT DISTINCT ip_address FROM axes_accessattempt", "reportsite"
    ).split()
    assert addresses == [NEIGHBOUR], addresses


def test_straight_to_an_app_server_rotating_forwarded_for_still_gets_429(topology):
    statuses = []
    for attempt in range(80):
        status, _, _ = fetch(
            topology.app_url(attempt % 2, "/consent/"), "POST",
            json.dumps({"action": "decline", "next": "/"}).encode(),
            {"Content-Type": "application/json", "Accept": "application/json",
             "Sec-Fetch-Site": "same-origin", "X-Forwarded-For": f"203.0.{attempt}.7"},
            source="127.0.61.5",
        )
        statuses.append(status)
    assert statuses[:RATE_LIMIT] == [200] * RATE_LIMIT, statuses
    assert set(statuses[RATE_LIMIT:]) == {429}, statuses


def test_a_poisoned_redis_runs_nothing_and_pages_are_still_served(topology, tmp_path):
    marker = tmp_path / "the-command-ran"
    store = redis.Redis.from_url(topology.env["CACHE_URL"])
    for path in ("/", "/publications/"):
        fetch(topology.url(path))
    poison = pickle.dumps(RunsACommand(f"touch {marker}"))
    for key in [b":1:pagecache:generation", *store.scan_iter("*pagecache*")]:
        store.set(key, poison)
    for _ in range(6):
        for path in ("/", "/publications/"):
            assert fetch(topology.url(path))[0] == 200
            # nginx may answer from its own copy of the page: ask each app server too,
            # which reads the poisoned keys.
            assert fetch(topology.app_url(0, path))[0] == 200
            assert fetch(topology.app_url(1, path))[0] == 200
    assert not marker.exists()
    logs = topology.log("app0") + topology.log("app1")
    assert "holds a value this site did not sign, refused unread" in logs


def test_redis_asks_for_a_password(topology):
    anonymous = redis.Redis(host="127.0.0.1", port=topology.ports["redis"])
    with pytest.raises(redis.AuthenticationError):
        anonymous.get(":1:pagecache:generation")


def test_in_s3_mode_media_serves_nothing_local(topology):
    local = topology.folder / "app0" / "media" / "covers"
    local.mkdir(parents=True, exist_ok=True)
    (local / "left-behind.png").write_bytes(b"\x89PNG local file")
    for url in (topology.app_url(0, "/media/covers/left-behind.png"),
                topology.url("/media/covers/left-behind.png")):
        assert fetch(url)[0] == 404, url


def test_a_frozen_s3_gives_editors_a_503_within_seconds_saving_nothing(topology, page, tmp_path):
    from PIL import Image

    pk = int(topology.psql(
        f"SELECT id FROM publications_publication WHERE slug = '{SEEDED_SLUG}'", "reportsite"
    ).strip())
    cover = tmp_path / "cover-while-s3-is-frozen.png"
    Image.new("RGB", (600, 849), (20, 130, 90)).save(cover)
    admin_login(page, topology.url())
    page.goto(topology.url(f"/admin/publications/publication/{pk}/change/"))
    page.fill("#id_title_en", "Must not be saved either")
    page.set_input_files("#id_cover", str(cover))
    s3 = topology.processes["s3"].pid
    os.killpg(s3, signal.SIGSTOP)  # it accepts connections and never answers
    try:
        started = time.monotonic()
        with page.expect_response(lambda response: response.request.method == "POST",
                                  timeout=60_000) as answer:
            page.click("input[name=_publish]")
        seconds = time.monotonic() - started
        assert answer.value.status == 503
        expect(page.locator("body")).to_contain_text("media storage does not answer")
        assert seconds < 15, f"the 503 took {seconds:.1f} s"
    finally:
        os.killpg(s3, signal.SIGCONT)
    print(f"\nFrozen S3: an editor's upload got its 503 after {seconds:.1f} s")
    assert database_count(
        topology, "publications_publication", "title_en = 'Must not be saved either'"
    ) == 0
    logs = topology.log("app0") + topology.log("app1")
    assert "WORKER TIMEOUT" not in logs
