"""An operator runs the production topology: nginx in front of two Gunicorn app servers
that share PostgreSQL, Redis and an S3 bucket (deploy/topology.py), every part a real
server process on 127.0.0.1.

Selected only with `-m several_servers` (the third stage of .ci/run): a missing part
(nginx, PostgreSQL, Redis, moto's S3 server) is an error then, never a skip. The tests run
on one topology: the behaviours across servers, then the faults (each part stopped and
started again while the others run; the topology puts the bucket's objects back after
an S3 outage, since moto keeps them in memory only).

How each cross-server test fails when its shared part is made per process is in
docs/operators.md ("What is shared, and how the tests prove it").
"""

import hashlib
import json
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from deploy.topology import BUCKET, Topology
from tests.servers import children, open_descriptors
from tests.topology import (
    EDITOR,
    EDITOR_PASSWORD,
    SlowClients,
    cookie_from,
    create_editor,
    database_count,
    fetch,
    post_consent,
    run_wrk,
    wait_until,
)

pytestmark = pytest.mark.several_servers

# Low enough to reach in a test, per client network; the load tests post from 127.0.0.1's
# network, which none of the rate-limit checks use.
RATE_LIMIT = 8
SEEDED_SLUG = "second-key-update-technical-safeguards-and-risk-management"


@pytest.fixture(scope="module")
def topology():
    # Its own folder under /tmp: PostgreSQL's user must reach it (pytest's are private).
    site = Topology(
        AXES_FAILURE_LIMIT=5,
        CONSENT_RATE_LIMIT=f"{RATE_LIMIT}/m",
        GUNICORN_ACCESS_LOG="-",
    )
    site.start()
    create_editor(site)
    yield site
    site.stop()


def admin_login(page, base_url):
    page.goto(base_url + "/admin/login/")
    page.fill("#id_username", EDITOR)
    page.fill("#id_password", EDITOR_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(base_url + "/admin/")


def publication_id(topology, slug=SEEDED_SLUG):
    return int(topology.psql(
        f"SELECT id FROM publications_publication WHERE slug = '{slug}'", "reportsite"
    ).strip())


def test_html_arrives_compressed_and_static_files_cached_for_a_year(topology):
    status, _, plain = fetch(topology.url("/"))
    assert status == 200
    for encoding in ("br", "gzip"):
        status, headers, wire = fetch(topology.url("/"), headers={"Accept-Encoding": encoding})
        assert status == 200 and headers.get("content-encoding") == encoding
        assert len(wire) <= len(plain) / 3, (encoding, len(wire), len(plain))
        assert "Accept-Encoding" in headers.get("vary", "")
    stylesheet = re.search(rb'href="(/static/css/site\.[0-9a-f]{12}\.css)"', plain).group(1)
    status, headers, body = fetch(
        topology.url(stylesheet.decode()), headers={"Accept-Encoding": "gzip"}
    )
    assert status == 200 and headers.get("content-encoding") == "gzip"
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert headers["x-content-type-options"] == "nosniff"


def test_request_size_is_limited_by_nginx(topology):
    big = b"x" * (111 * 1024 * 1024)
    try:
        status, _, _ = fetch(topology.url("/consent/"), "POST", big,
                             {"Content-Type": "application/octet-stream"})
    except (ConnectionError, OSError):
        status = 413  # nginx may close the connection while the body is still being sent
    assert status == 413


def test_cover_uploaded_on_a_is_stored_in_the_bucket_and_shown_by_b(topology, page, tmp_path):
    from PIL import Image

    cover = tmp_path / "new-cover.png"
    Image.new("RGB", (900, 1273), (200, 30, 90)).save(cover)
    before = set(topology.bucket_objects())
    pk = publication_id(topology)
    admin_login(page, topology.app_url(0))
    page.goto(topology.app_url(0, f"/admin/publications/publication/{pk}/change/"))
    page.set_input_files("#id_cover", str(cover))
    # A live publication: the new cover goes live with Publish (Save would keep a draft).
    page.click("input[name=_publish]")
    expect(page.locator("ul.messagelist")).to_contain_text("Published.")
    stored = topology.bucket_objects()
    added = sorted(set(stored) - before)
    assert any(key.startswith("published/covers/") for key in added), added
    # B (and nginx) show the new cover and its renditions, every one from the bucket.
    for base in (topology.app_url(1), topology.url()):
        status, _, html = fetch(base + f"/publication/{SEEDED_SLUG}/")
        assert status == 200
        names = set(re.findall(rf"/{BUCKET}/([^\"' ,?]+)".encode(), html))
        new_names = {name.decode() for name in names} & set(added)
        assert len(new_names) >= 2, (names, added)  # the cover's renditions (WebP + fallback)
        for name in new_names:
            status, _, body = fetch(f"{topology.env['AWS_S3_ENDPOINT_URL']}/{BUCKET}/{name}")
            assert status == 200 and hashlib.sha256(body).digest() == hashlib.sha256(stored[name]).digest()


def test_an_edition_imported_by_the_worker_is_served_by_both_with_figures_in_the_bucket(topology, tmp_path):
    import shutil

    from editions.sample_report import write_sample

    write_sample(tmp_path / "source", chapters=2, sections=2, figures=2, tables=1, image_size=(700, 420))
    source = shutil.make_archive(str(tmp_path / "report"), "zip", tmp_path / "source")
    before = set(topology.bucket_objects())
    topology.manage("import_edition", SEEDED_SLUG, source)  # queued: the worker beside the apps runs it

    def status():
        return topology.psql("SELECT status FROM editions_editionimport ORDER BY id DESC LIMIT 1", "reportsite").strip()

    wait_until(lambda: status() in ("done", "failed"), seconds=180)
    assert status() == "done"
    # A draft's source and figures are in the private store, the bucket's drafts/ prefix,
    # which the bucket itself refuses to anonymous readers; no page shows them.
    drafts = set(topology.bucket_objects()) - before
    assert any(key.startswith("drafts/sources/") for key in drafts), drafts
    assert any(key.startswith("drafts/imports/") and "/figures/" in key for key in drafts), drafts
    assert all(key.startswith("drafts/") for key in drafts), drafts
    for key in sorted(drafts)[:3]:
        assert fetch(f"{topology.env['AWS_S3_ENDPOINT_URL']}/{BUCKET}/{key}")[0] == 403, key
    assert fetch(topology.url(f"/publication/{SEEDED_SLUG}/read/"))[0] == 404
    topology.manage("shell", "-c", (
        "from editorial.actions import Publish; from editions.models import EditionVersion; "
        "Publish(EditionVersion.objects.latest('pk')).execute()"
    ))
    added = set(topology.bucket_objects()) - before - drafts
    # Published figures are public media: copied under the bucket's published/ prefix.
    assert added and all(key.startswith("published/imports/") for key in added), added
    for base in (topology.app_url(0), topology.app_url(1), topology.url()):
        status_code, _, html = fetch(base + f"/publication/{SEEDED_SLUG}/read/chapter-1/")
        assert status_code == 200
        names = {n.decode() for n in re.findall(rf"/{BUCKET}/([^\"' ,?]+)".encode(), html)}
        assert names and names <= added, (names, added)


def test_a_drafts_file_is_refused_by_the_bucket_until_published_and_dies_with_its_link(
    topology, page, tmp_path
):
    """An anonymous GET of a draft's object, by its key, is refused by the storage itself;
    through nginx the share link serves it (no-store) while valid, 410 after revoke; once
    published it is public under published/."""
    from PIL import Image

    cover = tmp_path / "draft-cover.png"
    Image.new("RGB", (700, 990), (30, 160, 200)).save(cover)
    pk = publication_id(topology)
    before = set(topology.bucket_objects())
    admin_login(page, topology.url())
    edit = topology.url(f"/admin/publications/publication/{pk}/change/")
    page.goto(edit)
    page.set_input_files("#id_cover", str(cover))
    page.click("input[name=_share_preview]")
    expect(page.locator("ul.messagelist")).to_contain_text("Preview link made")
    link = page.locator("ul.messagelist a").get_attribute("href")
    added = sorted(set(topology.bucket_objects()) - before)
    drafts = [key for key in added if key.startswith("drafts/covers/")]
    assert drafts and not any(key.startswith("published/") for key in added), added
    key = drafts[0]
    name = key.removeprefix("drafts/")
    endpoint = f"{topology.env['AWS_S3_ENDPOINT_URL']}/{BUCKET}"
    assert fetch(f"{endpoint}/{key}")[0] == 403, "the bucket served a draft's file to anyone"
    assert fetch(f"{endpoint}/published/{name}")[0] in (403, 404)
    # Through nginx: the share link serves it, never cached; a stranger's guess does not.
    status, headers, _ = fetch(topology.url(f"{link}files/{name}"))
    assert status == 200 and "no-store" in headers["cache-control"]
    assert fetch(topology.url(f"/preview/publication/{pk}/files/{name}"))[0] == 404
    page.goto(edit)
    page.locator("button[name=_revoke_preview_link]").first.click()
    expect(page.locator("ul.messagelist")).to_contain_text("revoked")
    assert fetch(topology.url(f"{link}files/{name}"))[0] == 410
    assert fetch(f"{endpoint}/{key}")[0] == 403
    # Published: public, under published/.
    page.goto(edit)
    page.click("input[name=_publish]")
    expect(page.locator("ul.messagelist")).to_contain_text("Published.")
    assert fetch(f"{endpoint}/published/{name}")[0] == 200
    assert fetch(f"{endpoint}/{key}")[0] == 403


def test_edit_on_a_makes_pages_cached_by_b_stale_at_once(topology, page):
    url = topology.app_url(1, f"/publication/{SEEDED_SLUG}/")
    # Every worker of B holds its copy (each answers a dozen requests or so).
    wait_until(lambda: fetch(url)[1].get("x-page-cache") == "hit", 10)
    for _ in range(12):
        fetch(url)
    new_title = f"Edited on server A at {time.time_ns()}"
    admin_login(page, topology.app_url(0))
    page.goto(topology.app_url(0, f"/admin/publications/publication/{publication_id(topology)}/change/"))
    page.fill("#id_title_en", new_title)
    page.click("input[name=_publish]")
    expect(page.locator("ul.messagelist")).to_contain_text("Published.")
    for _ in range(12):
        status, headers, html = fetch(url)
        assert status == 200 and new_title.encode() in html, headers.get("x-page-cache")


def sockets(pid):
    return sum(target.startswith("socket:") for target in open_descriptors(pid).values())


def test_workers_are_forked_from_the_site_loaded_once_with_no_connection_of_its_own(topology):
    """GUNICORN_PRELOAD (on by default): each app server's master loads the site and forks
    its workers from it. A connection opened while loading would be inherited by every
    worker (their queries interleaved on one socket), so the master must hold none."""
    for index in range(topology.app_count):
        for _ in range(2 * topology.workers):
            assert fetch(topology.app_url(index, "/publications/"))[0] == 200
        master = topology.apps[index].pid
        # The site's compiled modules are in the master's memory: it loaded the site.
        loaded = Path(f"/proc/{master}/maps").read_text()
        assert "_psycopg" in loaded and "_brotli" in loaded, index
        # Its one socket is the one it listens on; its workers hold their connections.
        assert sockets(master) == 1, index
        workers = children(master)
        assert len(workers) == topology.workers
        assert max(sockets(worker) for worker in workers) > 1, index


def test_consent_decision_through_a_appears_in_the_history_served_by_b(topology):
    status, headers, data = post_consent(topology.app_url(0), "accept", source="127.0.20.1")
    assert status == 200, data
    cookie = cookie_from(headers)
    status, _, html = fetch(topology.app_url(1, "/privacy/"), headers={"Cookie": cookie},
                            source="127.0.20.1")
    assert status == 200
    assert data["consent_id"].encode() in html
    assert database_count(topology, "consent_consentrecord", f"consent_id = '{data['consent_id']}'") == 1


def _failed_login(base_url, source, forwarded_for=None):
    status, headers, body = fetch(base_url + "/admin/login/", source=source)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    cookie = cookie_from(headers, "csrftoken")
    form = f"csrfmiddlewaretoken={token}&username=editor&password=wrong-{time.time_ns()}&next=/admin/"
    request_headers = {
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie,
        "Origin": base_url, "Referer": base_url + "/admin/login/",
    }
    if forwarded_for:
        request_headers["X-Forwarded-For"] = forwarded_for
    status, _, _ = fetch(base_url + "/admin/login/", "POST", form.encode(), request_headers,
                         source=source)
    return status


def test_admin_lockout_counts_across_both_servers_by_the_address_nginx_saw(topology):
    source = "127.0.30.7"
    # Alternating servers, and a different made-up X-Forwarded-For each time: nginx
    # overwrites it, so the attempts all count for the one real address.
    statuses = [
        _failed_login(topology.url(), source, forwarded_for=f"198.51.100.{attempt}")
        for attempt in range(6)
    ]
    # AXES_FAILURE_LIMIT=5: the fifth failure is the one that locks.
    assert statuses == [200] * 4 + [429] * 2, statuses
    addresses = topology.psql(
        "SELECT DISTINCT ip_address FROM axes_accessattempt", "reportsite"
    ).split()
    assert addresses == [source], addresses
    # Both servers answered some of those attempts (nginx spreads them round-robin).
    logs = topology.log("app0") + topology.log("app1")
    assert topology.log("app0").count("POST /admin/login/") >= 1
    assert topology.log("app1").count("POST /admin/login/") >= 1, logs[-2000:]


def test_consent_ip_hash_is_of_the_address_nginx_saw(topology):
    status, _, data = post_consent(topology.url(), "decline", source="127.0.40.9")
    assert status == 200, data
    stored = topology.psql(
        f"SELECT ip_hash FROM consent_consentrecord WHERE consent_id = '{data['consent_id']}'",
        "reportsite",
    ).strip()
    expected, proxy = topology.manage(
        "shell", "--no-imports", "-c",
        "from consent.decisions import ip_hash; print(ip_hash('127.0.40.9'), ip_hash('127.0.0.1'))",
    ).stdout.split()[-2:]
    assert stored != proxy, "hashed nginx's address, not the client's"
    assert stored == expected


def test_consent_rate_limit_counts_across_both_servers(topology):
    statuses = [
        post_consent(topology.url(), "decline", source="127.0.50.3")[0]
        for _ in range(RATE_LIMIT + 2)
    ]
    assert statuses[:RATE_LIMIT] == [200] * RATE_LIMIT, statuses
    assert statuses[RATE_LIMIT:] == [429, 429], statuses
    assert topology.log("app0").count("POST /consent/") >= 2
    assert topology.log("app1").count("POST /consent/") >= 2


def _table_digests(topology, database):
    tables = topology.psql(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename", database
    ).split()
    return {
        table: topology.psql(
            f"SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') "
            f"FROM {table} t", database,
        ).strip()
        for table in tables
    }


def test_backup_and_restore_into_an_empty_database_and_bucket(topology):
    post_consent(topology.url(), "accept", source="127.0.80.1")
    backup = topology.manage("backup")
    archive = re.search(r"Backup written: (\S+)", backup.stdout).group(1)
    assert "media files from the S3 bucket" in backup.stdout and " private)" in backup.stdout
    topology.psql("CREATE DATABASE reportsite_restored OWNER reportsite")
    topology.s3_client().create_bucket(Bucket="reportsite-restored")
    restored_env = {
        "DATABASE_URL": topology.database_url + "_restored",
        "AWS_STORAGE_BUCKET_NAME": "reportsite-restored",
    }
    checked = topology.manage("restore", archive, "--check-only", env=restored_env)
    assert "complete and intact" in checked.stdout
    restore = topology.manage("restore", archive, "--into-configured", env=restored_env)
    assert "Restored" in restore.stdout
    # Every record (every table, row by row) and every file (by hash) is back; sessions
    # and login attempts under way are left out of archives (their tables come back empty).
    original = _table_digests(topology, "reportsite")
    assert original["consent_consentrecord"].split(":")[0] != "0"
    restored_tables = _table_digests(topology, "reportsite_restored")
    for throwaway in ("django_session", "axes_accessattempt", "axes_accessattemptexpiration"):
        assert restored_tables.pop(throwaway).startswith("0:")
        original.pop(throwaway)
    assert restored_tables == original
    # Both stores: the public one (published/) and the private one (drafts/: drafts' files
    # and every upload that history and recovery may bring back).
    objects = topology.bucket_objects()
    assert any(key.startswith("drafts/") for key in objects)
    assert any(key.startswith("published/") for key in objects)
    client = topology.s3_client()
    restored = {
        item["Key"]: hashlib.sha256(
            client.get_object(Bucket="reportsite-restored", Key=item["Key"])["Body"].read()
        ).hexdigest()
        for item in client.list_objects_v2(Bucket="reportsite-restored").get("Contents", [])
    }
    assert restored == {key: hashlib.sha256(body).hexdigest() for key, body in objects.items()}
    assert len(restored) >= 5
    verify = topology.manage("verify_consent_records", env=restored_env, check=False)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    # A second restore refuses: the database and bucket are no longer empty.
    again = topology.manage("restore", archive, "--into-configured", env=restored_env, check=False)
    assert again.returncode != 0 and "not empty" in again.stderr


# -- faults under load (bench/faults.py prints their figures) -----------------------------


def test_app_server_killed_mid_load_costs_visitors_no_get(topology):
    def kill_a(second):
        if second == 3:
            topology.kill_app(0)

    try:
        result = run_wrk(topology.url("/"), seconds=10, during=kill_a)
    finally:
        topology.start_app(0)
    assert result["requests"] > 100
    # No visitor gets an error page: nginx retries every GET the dead server did not
    # answer. The one thing it cannot retry is a response already being passed on when
    # the server died (nothing can be resent once bytes reached the visitor): at most one
    # such cut transfer per kill (seen in two of six runs, once each).
    assert result["non_2xx"] == 0, result["output"]
    assert result["socket_errors"] <= 1, result["output"]


def test_redis_stopped_pages_served_consent_recorded_health_says_cache_error(topology):
    records = database_count(topology, "consent_consentrecord")
    topology.stop_redis()
    try:
        # Every worker renders once first (a cold worker's first page takes seconds on a
        # busy machine: templates, URL patterns), then the load.
        for _ in range(8):
            assert fetch(topology.url("/"), timeout=30)[0] == 200
        result = run_wrk(topology.url("/"), seconds=8)
        assert result["errors"] == 0 and result["requests"] > 20, result["output"]
        acknowledged = 0
        for index in range(4):
            status, _, data = post_consent(topology.url(), "accept", source=f"127.0.60.{index}")
            assert status == 200, data
            acknowledged += 1
        assert database_count(topology, "consent_consentrecord") == records + acknowledged
        status, _, body = fetch(topology.url("/healthz"))
        assert status == 503 and json.loads(body)["cache"] == "error"
    finally:
        topology.start_redis()
    wait_until(lambda: fetch(topology.url("/healthz"))[0] == 200, 30)
    # Both servers recovered by themselves (no restart).
    assert fetch(topology.app_url(0, "/healthz"))[0] == 200
    assert fetch(topology.app_url(1, "/healthz"))[0] == 200
    logs = topology.log("app0") + topology.log("app1")
    assert "Cache (Redis) does not answer" in logs and "Cache (Redis) answers again" in logs


def test_postgresql_restart_cached_pages_served_consent_posts_get_a_clear_503(topology):
    for _ in range(3):
        assert fetch(topology.url("/"))[0] == 200  # cached in Redis by both servers
    records = database_count(topology, "consent_consentrecord")
    topology.stop_postgres()
    acknowledged = 0
    try:
        for _ in range(5):
            status, headers, _ = fetch(topology.url("/"))
            assert status == 200 and headers.get("x-page-cache") == "hit"
        for index in range(4):
            status, headers, data = post_consent(topology.url(), "decline", source=f"127.0.70.{index}")
            assert status == 503, data
            assert "database" in data["error"] and "nothing was saved" in data["error"]
            assert headers.get("retry-after")
        status, _, body = fetch(topology.url("/healthz"))
        assert status == 503 and json.loads(body)["database"] == "error"
        # Those 503s are answers, not failed servers: nginx keeps serving cached pages.
        for _ in range(5):
            status, headers, _ = fetch(topology.url("/"))
            assert status == 200 and headers.get("x-page-cache") == "hit"
    finally:
        topology.start_postgres()

    def consent_recorded_again():
        nonlocal acknowledged
        status = post_consent(topology.url(), "decline", source="127.0.71.1")[0]
        acknowledged += status == 200
        return status == 200

    wait_until(consent_recorded_again, 30)
    assert database_count(topology, "consent_consentrecord") == records + acknowledged
    verify = topology.manage("verify_consent_records", check=False)
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_slow_clients_do_not_stop_other_visitors(topology):
    slow = SlowClients("127.0.0.1", topology.ports["nginx"], count=50).start()
    try:
        time.sleep(2)
        assert slow.open_connections() == 50
        durations = []
        for _ in range(20):
            started = time.monotonic()
            status, _, _ = fetch(topology.url("/"), timeout=5)
            durations.append(time.monotonic() - started)
            assert status == 200
        assert max(durations) < 2, durations
    finally:
        slow.stop()


def test_s3_stopped_pages_load_and_an_upload_fails_clearly_saving_nothing(topology, page, tmp_path):
    from PIL import Image

    pk = publication_id(topology)
    cover_before = topology.psql(
        f"SELECT cover, cover_renditions FROM publications_publication WHERE id = {pk}", "reportsite"
    )
    topology.stop_s3()
    try:
        for path in ("/", "/publications/", "/privacy/"):
            assert fetch(topology.url(path))[0] == 200, path
        cover = tmp_path / "cover-while-s3-is-down.png"
        Image.new("RGB", (600, 849), (20, 130, 90)).save(cover)
        admin_login(page, topology.url())
        page.goto(topology.url(f"/admin/publications/publication/{pk}/change/"))
        page.fill("#id_title_en", "Must not be saved")
        page.set_input_files("#id_cover", str(cover))
        with page.expect_response(lambda response: response.request.method == "POST") as answer:
            page.click("input[name=_publish]")
        assert answer.value.status == 503
        assert "media storage does not answer" in page.content()
        assert "nothing was saved" in page.content()
        after = topology.psql(
            f"SELECT cover, cover_renditions FROM publications_publication WHERE id = {pk}", "reportsite"
        )
        assert after == cover_before
        assert database_count(topology, "publications_publication", "title_en = 'Must not be saved'") == 0
    finally:
        topology.start_s3(create_bucket=True)
