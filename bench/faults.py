"""Faults under load: what visitors see when one part of the several-servers topology fails.

Starts deploy/topology.py (nginx, two Gunicorn app servers, PostgreSQL, Redis, moto's S3
server, all on 127.0.0.1), then for each fault loads `/` through nginx with wrk (32
connections, --seconds each, default 20) while a second thread posts consent decisions
(about 5 a second, from changing loopback networks), and prints:

    requests sent, errors visitors saw (non-2xx/3xx plus socket errors), consent decisions
    acknowledged (200) / refused (503, 429) / rows written, and the recovery time (from the
    part's return until /healthz is 200 again, or a consent decision is recorded again).

    .venv/bin/python bench/faults.py [--seconds 20] [--only app,redis,postgres,s3,slowloris]

Loopback only and bounded: each fault lasts a few seconds inside its wrk run.
"""

import argparse
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deploy.topology import Topology  # noqa: E402
from tests.topology import (  # noqa: E402
    SlowClients,
    database_count,
    fetch,
    post_consent,
    run_wrk,
    wait_until,
)

FAULTS = ["app", "redis", "postgres", "s3", "slowloris"]


class ConsentPoster(threading.Thread):
    """Posts a decision every `interval` seconds and counts the answers."""

    def __init__(self, base_url, interval=0.2):
        super().__init__(daemon=True)
        self.base_url, self.interval = base_url, interval
        self.stopping = threading.Event()
        self.answers = {}
        self.sent = 0

    def run(self):
        network = 100
        while not self.stopping.wait(self.interval):
            network = 100 + (network - 99) % 150
            try:
                status = post_consent(self.base_url, "decline", source=f"127.0.{network}.1")[0]
            except OSError:
                status = "connection error"
            self.sent += 1
            self.answers[status] = self.answers.get(status, 0) + 1

    def stop(self):
        self.stopping.set()
        self.join(timeout=30)


def measure(topology, name, seconds, fault_at, fault, recover_at, recover, url="/", probe=None):
    """One wrk run with `fault()` at second `fault_at` and `recover()` at `recover_at`;
    recovery is the time from `recover()` until `probe` (default: /healthz through nginx)
    answers 200."""
    probe = probe or topology.url("/healthz")
    records = database_count(topology, "consent_consentrecord")
    poster = ConsentPoster(topology.url())
    poster.start()
    recovery = {}

    def wait_for_recovery(started):
        while time.monotonic() - started < 60:
            try:
                if fetch(probe, timeout=2)[0] == 200:
                    recovery["seconds"] = time.monotonic() - started
                    return
            except OSError:
                pass
            time.sleep(0.05)

    def during(second):
        if second == fault_at:
            fault()
        if second == recover_at:
            recover()
            threading.Thread(target=wait_for_recovery, args=(time.monotonic(),), daemon=True).start()

    # The page's copy in nginx ages out 5 s after it was last asked for (PAGE_FRONT_CACHE_*),
    # and runs can be further apart: a run that started cold had for p99 its connections'
    # first half second on nginx's cache lock, whatever the fault (docs/capacity.md).
    run_wrk(topology.url(url), 1)
    result = run_wrk(topology.url(url), seconds, during=during)
    poster.stop()
    wait_until(lambda: "seconds" in recovery, 60)
    written = database_count(topology, "consent_consentrecord") - records
    verify = topology.manage("verify_consent_records", check=False)
    print(
        f"{name}: {result['requests']} requests, {result['errors']} visitor-visible errors "
        f"({result['non_2xx']} non-2xx, {result['socket_errors']} socket), "
        f"{result['requests_per_second']:.0f}/s, p99 {result['p99']}; consent posts "
        f"{poster.sent}: answers {poster.answers}, rows written {written} "
        f"(acknowledged {poster.answers.get(200, 0)}); recovered {recovery['seconds']:.2f} s "
        f"after the part returned; chain "
        f"{'verifies' if verify.returncode == 0 else 'BROKEN: ' + verify.stdout[-300:]}",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--only", default=",".join(FAULTS))
    options = parser.parse_args()
    chosen = options.only.split(",")
    seconds = options.seconds
    start, back = max(2, seconds // 4), max(4, seconds * 3 // 5)
    with Topology(CONSENT_RATE_LIMIT="100000/m") as topology:
        for _ in range(3):
            fetch(topology.url("/"))
        print(f"Topology up at {topology.url()}; {seconds} s per fault, fault at {start} s, "
              f"part back at {back} s, wrk -c 32", flush=True)
        if "app" in chosen:
            measure(topology, "app server 0 killed (SIGKILL)", seconds, start,
                    lambda: topology.kill_app(0), back, lambda: topology.start_app(0),
                    probe=topology.app_url(0, "/healthz"))
        if "redis" in chosen:
            measure(topology, "Redis stopped", seconds, start, topology.stop_redis, back,
                    topology.start_redis)
        if "postgres" in chosen:
            measure(topology, "PostgreSQL stopped and started", seconds, start,
                    topology.stop_postgres, back, topology.start_postgres)
        if "s3" in chosen:
            measure(topology, "S3 server stopped (pages)", seconds, start, topology.stop_s3,
                    back, topology.start_s3,
                    url="/publication/second-key-update-technical-safeguards-and-risk-management/")
        if "slowloris" in chosen:
            slow = {}
            measure(topology, "50 slow clients (slowloris)", seconds, start,
                    lambda: slow.setdefault("clients", SlowClients(
                        "127.0.0.1", topology.ports["nginx"], count=50).start()),
                    back, lambda: slow["clients"].stop())


if __name__ == "__main__":
    main()
