#!/usr/bin/env python3
"""Consent decisions per second under Gunicorn, and whether every one became a record.

    .venv/bin/python bench/consent_posts.py [--posts 2000] [--concurrency 32]

Starts a temporary site (SQLite in WAL mode, seeded) served by Gunicorn with
gunicorn.conf.py and 2 workers on 127.0.0.1, then sends --posts consent decisions through
the real form endpoint (`POST /consent/`, as a browser without JavaScript does: a form body,
Origin and Sec-Fetch-Site headers), from --concurrency keep-alive connections, as new
visitors (no cookie: each post is a new consent id). It prints decisions per second, the
answers by status, the records written against the decisions sent, and the result of
`manage.py verify_consent_records` (the hash chain must hold).
"""

import argparse
import collections
import concurrent.futures
import http.client
import re
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.servers import TemporarySite, free_port  # noqa: E402

ACTIONS = ["accept", "decline", "save"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=None, help="default: a free port")
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2, help="Gunicorn workers")
    options = parser.parse_args()
    options.port = options.port or free_port()

    with tempfile.TemporaryDirectory(prefix="reportsite-bench-") as folder:
        print("Preparing a temporary site (migrate, seed content, collectstatic)...", flush=True)
        # Every post comes from 127.0.0.1: lift the per-network limit far above the run.
        site = TemporarySite(folder, CONSENT_RATE_LIMIT=f"{options.posts * 10}/m").prepare()
        origin = f"http://127.0.0.1:{options.port}"
        with site.gunicorn(options.port, workers=options.workers):
            with urllib.request.urlopen(origin + "/", timeout=10) as response:
                shown = re.search(r'name="shown" value="([^"]+)"', response.read().decode())[1]
            statuses, seconds = send_posts(options, origin, shown)
        records = int(
            site.manage(
                "shell", "-v0", "-c",
                "from consent.models import ConsentRecord; print(ConsentRecord.objects.count())",
            ).stdout.strip()
        )
        verify = site.manage("verify_consent_records", check=False)

    accepted = statuses.get(303, 0)
    print(f"\nGunicorn, {options.workers} workers; {options.concurrency} concurrent connections")
    print(f"decisions sent:        {options.posts}")
    print(f"decisions per second:  {options.posts / seconds:.1f}")
    print("answers:               " + ", ".join(f"{n} × {s}" for s, n in sorted(statuses.items())))
    print(f"records written:       {records} (for {accepted} accepted decisions)")
    print(f"lost:                  {accepted - records}")
    print(f"chain:                 {(verify.stdout or verify.stderr).strip()}")
    if records != accepted or accepted != options.posts or verify.returncode != 0:
        sys.exit(1)


def send_posts(options, origin, shown):
    host = urllib.parse.urlsplit(origin)
    local = threading.local()
    statuses = collections.Counter()
    lock = threading.Lock()

    def post(number):
        if not hasattr(local, "connection"):
            local.connection = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
        body = urllib.parse.urlencode(
            {"action": ACTIONS[number % len(ACTIONS)], "shown": shown, "next": "/"}
        )
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": origin,
            "Sec-Fetch-Site": "same-origin",
        }
        try:
            local.connection.request("POST", "/consent/", body, headers)
            response = local.connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            local.connection.close()
            del local.connection
            status = "connection error"
        with lock:
            statuses[status] += 1

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(options.concurrency) as pool:
        list(pool.map(post, range(options.posts)))
    return statuses, time.perf_counter() - started


if __name__ == "__main__":
    main()
