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
import itertools
import os
import re
import socket
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
        idle_load = os.getloadavg()[0]
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
    print(f"CPU ms per decision:   {describe(costs)} (load average before the run: {idle_load:.2f}; "
          "busy neighbours raise it, compare runs made back to back)")
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

    The client shares the machine's cores with the site, so it does as little as it can:
    each request's bytes are made once, and an answer is read as far as its status and
    body (HTTP/1.1, Content-Length or chunked), on plain sockets. http.client and a pool
    task per post took 0.37-0.53 ms of CPU per decision; this takes about a third of that.
    """
    host = urllib.parse.urlsplit(origin)
    statuses = collections.Counter()
    lock = threading.Lock()
    numbers = itertools.count()
    addresses = itertools.count()
    requests = []
    for action in ACTIONS:
        body = urllib.parse.urlencode({"action": action, "shown": shown, "next": "/"}).encode()
        requests.append(
            (
                f"POST /consent/ HTTP/1.1\r\nHost: {host.netloc}\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                f"Origin: {origin}\r\nSec-Fetch-Site: same-origin\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            ).encode() + body
        )

    def worker():
        count = ADDRESSES_PER_THREAD if many_addresses else 1
        with lock:
            sources = [next(addresses) for _ in range(count)]
        connections = [None] * count
        seen = collections.Counter()
        turn = 0
        while time.perf_counter() < deadline and (number := next(numbers)) < options.posts:
            turn = (turn + 1) % count
            status = None
            try:
                if connections[turn] is None:
                    source = sources[turn]
                    address = (f"127.0.{100 + source // 200}.{1 + source % 200}", 0) if many_addresses else None
                    connections[turn] = HttpConnection(host.hostname, host.port, address)
                status = connections[turn].exchange(requests[number % len(requests)])
            except (OSError, ValueError):
                pass
            if connections[turn] is not None and (status is None or connections[turn].closed):
                connections[turn].close()  # the next post on this turn opens a new one
                connections[turn] = None
            seen[status or "connection error"] += 1
        for connection in connections:
            if connection is not None:
                connection.close()
        with lock:
            statuses.update(seen)

    started = time.perf_counter()
    deadline = started + options.seconds
    threads = [threading.Thread(target=worker) for _ in range(options.concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses, time.perf_counter() - started


class HttpConnection:
    """One keep-alive HTTP/1.1 connection that sends prepared requests and reads each
    answer's status line and body, nothing else."""

    def __init__(self, hostname, port, source_address=None):
        self.socket = socket.create_connection((hostname, port), timeout=30, source_address=source_address)
        self.buffer = b""
        self.closed = False

    def exchange(self, request):
        """Send `request`; the answer's status, or None when the server closed the connection."""
        self.socket.sendall(request)
        while b"\r\n\r\n" not in self.buffer:
            if not self._read():
                return None
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        headers = dict(line.split(b":", 1) for line in lines[1:])
        headers = {name.strip().lower(): value.strip().lower() for name, value in headers.items()}
        if headers.get(b"transfer-encoding") == b"chunked":
            while not self._chunked_body_read():
                if not self._read():
                    return None
        else:
            length = int(headers.get(b"content-length", b"0"))
            while len(self.buffer) < length:
                if not self._read():
                    return None
            self.buffer = self.buffer[length:]
        if headers.get(b"connection") == b"close":  # the server's last answer on it
            self.close()
        return status

    def _chunked_body_read(self):
        end = self.buffer.find(b"0\r\n\r\n")
        if end == -1 or (end > 0 and self.buffer[end - 2:end] != b"\r\n"):
            return False
        self.buffer = self.buffer[end + 5:]
        return True

    def _read(self):
        data = self.socket.recv(65536)
        self.buffer += data
        return bool(data)

    def close(self):
        self.closed = True
        self.socket.close()


if __name__ == "__main__":
    main()
