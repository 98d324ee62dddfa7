#!/usr/bin/env python3
"""Consent decisions per second under Gunicorn, and whether every one became a record.

    .venv/bin/python bench/consent_posts.py [--posts 2000] [--concurrency 32]
    .venv/bin/python bench/consent_posts.py --topology [--app-servers 1|2] [--seconds 15]

Starts a temporary site (SQLite in WAL mode, seeded) served by Gunicorn with
gunicorn.conf.py and 2 workers on 127.0.0.1 or, with --topology, the several-servers
topology (deploy/topology.py: nginx in front of --app-servers Gunicorn servers on
PostgreSQL and Redis) and posts through nginx, each connection from its own loopback
address (visitors come from many addresses; nginx limits requests per address). It sends --posts consent decisions through
the real form endpoint (`POST /consent/`, as a browser without JavaScript does: a form body,
Origin and Sec-Fetch-Site headers), from --concurrency keep-alive connections, as new
visitors (no cookie: each post is a new consent id). It prints decisions per second, the
answers by status, the records written against the decisions sent, and the result of
`manage.py verify_consent_records` (the hash chain must hold). --seconds bounds the run:
posting stops then, whatever is left of --posts.
"""

import argparse
import collections
import concurrent.futures
import http.client
import itertools
import os
import re
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from tests.servers import TemporarySite, free_port  # noqa: E402

ACTIONS = ["accept", "decline", "save"]
ADDRESSES_PER_THREAD = 4


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=None, help="default: a free port")
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2, help="Gunicorn workers")
    parser.add_argument("--seconds", type=float, default=20, help="stop posting after this")
    parser.add_argument("--topology", action="store_true", help="nginx + PostgreSQL + Redis")
    parser.add_argument("--app-servers", type=int, default=2, help="with --topology")
    parser.add_argument(
        "--env", action="append", default=[], metavar="NAME=VALUE",
        help="a setting for the app servers (repeatable), e.g. GUNICORN_ACCESS_LOG=off",
    )
    options = parser.parse_args()
    options.port = options.port or free_port()
    if options.topology:
        return topology_run(options)

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

    report(f"Gunicorn, {options.workers} workers", options, statuses, seconds, records, verify)


def topology_run(options):
    from process_cpu import describe, per_request_ms, topology_cpu

    from deploy.topology import Topology

    print(f"Starting the topology with {options.app_servers} app servers...", flush=True)
    settings = dict(item.split("=", 1) for item in options.env)
    with Topology(app_servers=options.app_servers, workers=options.workers,
                  CONSENT_RATE_LIMIT=f"{options.posts * 10}/m", **settings) as topology:
        origin = topology.url()
        with urllib.request.urlopen(origin + "/", timeout=10) as response:
            shown = re.search(r'name="shown" value="([^"]+)"', response.read().decode())[1]
        cpu_before, client_before = topology_cpu(topology), time.process_time()
        statuses, seconds = send_posts(options, origin, shown, many_addresses=True)
        costs = per_request_ms(cpu_before, topology_cpu(topology), sum(statuses.values()))
        client_ms = 1000 * (time.process_time() - client_before) / max(sum(statuses.values()), 1)
        records = int(topology.psql("SELECT count(*) FROM consent_consentrecord", "reportsite"))
        verify = topology.manage("verify_consent_records", check=False)
    report(
        f"nginx + {options.app_servers} app server(s) × {options.workers} workers, PostgreSQL",
        options, statuses, seconds, records, verify,
    )
    print(f"CPU ms per decision:   {describe(costs)}")
    # The bench's own client runs on the same cores: what it takes is not the site's to use.
    print(f"the bench's client:    {client_ms:.2f} ms of CPU per decision (Python, same machine)")
    print(f"decisions/s one core carries (1 / all): {1000 / costs['all']:.0f}")
    cores = os.cpu_count()
    print(f"decisions/s this machine's {cores} cores carry, site and client busy: "
          f"{cores * 1000 / (costs['all'] + client_ms):.0f}; with no client: "
          f"{cores * 1000 / costs['all']:.0f}")


def report(setup, options, statuses, seconds, records, verify):
    accepted = statuses.get(303, 0)
    sent = sum(statuses.values())
    print(f"\n{setup}; {options.concurrency} concurrent connections")
    print(f"decisions sent:        {sent} in {seconds:.1f} s")
    print(f"decisions per second:  {sent / seconds:.1f}")
    print("answers:               " + ", ".join(f"{n} × {s}" for s, n in sorted(statuses.items(), key=str)))
    print(f"records written:       {records} (for {accepted} accepted decisions)")
    print(f"lost:                  {accepted - records}")
    print(f"chain:                 {(verify.stdout or verify.stderr).strip()}")
    if records != accepted or accepted != sent or verify.returncode != 0:
        sys.exit(1)


def send_posts(options, origin, shown, many_addresses=False):
    """Post decisions from --concurrency threads, each on keep-alive connections of its own.

    With `many_addresses` each thread takes turns between ADDRESSES_PER_THREAD connections,
    each from its own loopback address: nginx lets one address make 20 decisions a second
    (burst 40), so 32 addresses alone would cap a run at 640 per second with 429s.
    """
    host = urllib.parse.urlsplit(origin)
    local = threading.local()
    statuses = collections.Counter()
    lock = threading.Lock()
    addresses = itertools.count()

    def connection():
        if not hasattr(local, "connections"):
            count = ADDRESSES_PER_THREAD if many_addresses else 1
            local.connections, local.turn = [None] * count, 0
            with lock:
                local.sources = [next(addresses) for _ in range(count)]
        local.turn = (local.turn + 1) % len(local.connections)
        if local.connections[local.turn] is None:
            number = local.sources[local.turn]
            source = (f"127.0.{100 + number // 200}.{1 + number % 200}", 0) if many_addresses else None
            local.connections[local.turn] = http.client.HTTPConnection(
                host.hostname, host.port, timeout=30, source_address=source
            )
        return local.connections[local.turn]

    def post(number):
        if time.perf_counter() > deadline:
            return
        body = urllib.parse.urlencode(
            {"action": ACTIONS[number % len(ACTIONS)], "shown": shown, "next": "/"}
        )
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": origin,
            "Sec-Fetch-Site": "same-origin",
        }
        client = connection()
        try:
            client.request("POST", "/consent/", body, headers)
            response = client.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            client.close()
            local.connections[local.turn] = None
            status = "connection error"
        with lock:
            statuses[status] += 1

    started = time.perf_counter()
    deadline = started + options.seconds
    with concurrent.futures.ThreadPoolExecutor(options.concurrency) as pool:
        list(pool.map(post, range(options.posts)))
    return statuses, time.perf_counter() - started


if __name__ == "__main__":
    main()
