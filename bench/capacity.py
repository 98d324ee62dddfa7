#!/usr/bin/env python3
"""Capacity of the several-servers topology, per public page type, for operators.

    .venv/bin/python bench/capacity.py [--duration 3] [--repeats 2] [--connections 32,256]
                                       [--app-servers 2] [--workers 2]

Starts deploy/topology.py (nginx in front of --app-servers Gunicorn servers, PostgreSQL,
Redis, moto's S3; all on 127.0.0.1), then loads each public page type with wrk as a browser
asks for it (Accept-Encoding: gzip, deflate, br): the landing page for a new visitor and for
a visitor who decided (the script accepts the banner through the real form), the French
landing page, a publication page and the publication index, at each number of connections,
through nginx and straight from one app server. Each target is measured between two runs
of nginx's own static file (a stylesheet), --repeats times, and the script prints the
median and spread of requests/s, p50/p99 latency, errors, and the ratio to the mean of the
two static runs around it.

On a shared 2-core machine wrk, nginx, Gunicorn, PostgreSQL and Redis share the CPU, and
other processes take what they take: compare ratios, and a change only when it is larger
than the spread. It also prints the CPU time the site's own processes spent per request
(read from /proc, see bench/process_cpu.py), which other processes change less (but do
change: compare runs made back to back): what one core carries. Loopback only; each wrk run lasts --duration seconds.

wrk's p99 is corrected for coordinated omission: a request that took longer than the run's
mean interval per connection counts as the requests that connection would have sent
meanwhile (one answer of 500 ms in a 3 s run of 256 connections weighs ~70 samples). For the
runs through nginx the script also prints nginx's own answer times, read from its access log
(`$request_time`, shipped in deploy/nginx.conf.in): every request once, as it was answered.
"""

import argparse
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from process_cpu import per_request_ms, topology_cpu  # noqa: E402
from throughput import between_static_runs, decided_visitor_cookie, print_summary, run_wrk  # noqa: E402

from deploy.topology import Topology  # noqa: E402

SEEDED_SLUG = "second-key-update-technical-safeguards-and-risk-management"
SLOW_MS = 20  # nginx's own answers slower than the goal's p99 are counted


def static_path(topology):
    import json

    manifest = json.loads((topology.folder / "static" / "staticfiles.json").read_text())
    return "/static/" + manifest["paths"]["css/site.css"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=3, help="seconds per wrk run")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--connections", default="32,256")
    parser.add_argument("--app-servers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="Gunicorn workers per app server")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--only-nginx", action="store_true", help="skip the app-alone runs")
    parser.add_argument(
        "--cold", action="store_true",
        help="measure each page without asking for it first: nginx's copy has aged out, so "
             "the run starts with misses (the first seconds after a page was last asked for)",
    )
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian: apt-get install wrk).")

    print("Starting the topology (PostgreSQL, Redis, S3, app servers, nginx)...", flush=True)
    idle_load = os.getloadavg()[0]
    with Topology(app_servers=options.app_servers, workers=options.workers,
                  CONSENT_RATE_LIMIT="100000/m") as topology:
        cookie = decided_visitor_cookie(topology.url(), "/")
        pages = [
            ("/ new visitor", "/", None),
            ("/ decided visitor", "/", cookie),
            ("/fr/ new visitor", "/fr/", None),
            ("publication page", f"/publication/{SEEDED_SLUG}/", None),
            ("index /publications/", "/publications/", None),
        ]
        static_url = topology.url(static_path(topology))
        bases = [("nginx", topology.url())]
        if not options.only_nginx:
            bases.append(("app 0 alone", topology.app_url(0)))
        for connections in (int(n) for n in options.connections.split(",")):

            def measure(url, page_cookie=None, connections=connections):
                request = f"GET /{url.split('/', 3)[3]} HTTP/1.1"
                through_nginx = url.startswith(topology.url("/"))

                def measured():
                    # nginx's copy of a page is fresh for PAGE_FRONT_CACHE_SECONDS and
                    # served while it refreshes for PAGE_FRONT_CACHE_REFRESH_SECONDS more
                    # (5 s in all); older, it is a miss. Between two runs of a target more
                    # than that passes, so each run first asks for the page (with every
                    # connection: the misses, the app and the cache lock happen here) and
                    # then measures it as a launch's continuous traffic gets it. The first
                    # seconds after a copy ages out are measured apart: --cold.
                    if not options.cold:
                        run_wrk(url, 1, connections, options.threads, page_cookie)
                    before = topology_cpu(topology)
                    since = topology.nginx_log_size()
                    result = run_wrk(url, options.duration, connections, options.threads,
                                     page_cookie)
                    result["cpu"] = per_request_ms(before, topology_cpu(topology), result["requests"])
                    times = sorted(
                        answered for line, answered, _, _ in topology.nginx_answers(since)
                        if line == request
                    ) if through_nginx else []
                    if times:
                        result["nginx"] = {
                            "answers": len(times), "p99": times[int(0.99 * (len(times) - 1))],
                            "max": times[-1], "slow": sum(time > SLOW_MS for time in times),
                        }
                    return result

                return measured

            targets = []
            for via, base in bases:
                for label, path, page_cookie in pages:
                    targets.append((f"{label} via {via}", measure(base + path, page_cookie)))
            results = between_static_runs(measure(static_url), targets, options.repeats)
            results = {"nginx static file": results.pop("static"), **results}
            print(f"\n{connections} connections, {options.duration} s per run, "
                  f"{options.app_servers} app servers × {options.workers} workers, "
                  + ("cold: each page's copy aged out before its run" if options.cold
                     else "each page asked for (1 s) just before its run"))
            print_summary(results, width=36)
            print("CPU per request of the site's own processes (ms: nginx + apps + PostgreSQL "
                  "+ Redis; median), and what one core carries (requests/s)")
            for label, runs in results.items():
                costs = sorted((run["cpu"] for run in runs), key=lambda cost: cost["all"])
                cost = costs[len(costs) // 2]
                print(f"  {label:<36} {cost['all']:>7.3f} ms (nginx {cost['nginx']:.3f}, apps "
                      f"{cost['apps']:.3f}, pg {cost['postgres']:.3f}, redis {cost['redis']:.3f})"
                      f"  -> {1000 / max(cost['all'], 1e-6):>7.0f}/s per core")
            print(f"nginx's own answer times (its access log; each request once, no correction): "
                  f"p99 and max (ms, median of the runs; nginx counts whole ms), answers over {SLOW_MS} ms "
                  f"(all runs)")
            for label, runs in results.items():
                timed = [run["nginx"] for run in runs if "nginx" in run]
                if not timed:
                    continue
                p99 = sorted(figures["p99"] for figures in timed)[len(timed) // 2]
                longest = sorted(figures["max"] for figures in timed)[len(timed) // 2]
                slow = sum(figures["slow"] for figures in timed)
                answers = sum(figures["answers"] for figures in timed)
                print(f"  {label:<36} p99 {p99:>7.2f}  max {longest:>7.1f}  "
                      f"over {SLOW_MS} ms: {slow} of {answers}")
    print(f"\nload average before the run: {idle_load:.2f} on {os.cpu_count()} cores"
          + (" (other processes were busy: noisy figures)" if idle_load > 0.5 else ""))
    print("median of the runs (min-max); ratio = requests/s / mean requests/s of nginx's static "
          "file in the runs just before and after")


if __name__ == "__main__":
    main()
