#!/usr/bin/env python3
"""Landing-page throughput under Gunicorn, beside a static file from the same server.

    .venv/bin/python bench/throughput.py [--cookie 'name=value'] [--duration 10]

Starts what it needs on 127.0.0.1: a temporary site (SQLite seeded with the launch content,
static files collected for WhiteNoise) served by Gunicorn with gunicorn.conf.py and 2
workers, then loads it with `wrk` (32 connections, browser-like Accept-Encoding): a static file served by
WhiteNoise, /healthz as the floor of any Django view on this middleware stack, the landing
page for a new visitor (no cookies, so the banner is shown), the same with a tracking tag
(`/?utm_source=x`, which must come from the same cached copy), and the landing page for a
visitor who has decided (the script accepts the banner through the real consent form and
sends the cookie it got on every request). Each target is measured between two runs of
the static file, --repeats times; it prints the median and spread (min-max) of requests
per second, p50/p99 latency, errors, and the ratio to the mean of the two static runs
around it.

On a 2-core machine wrk shares the CPU with the server, and other processes take what they
take: compare ratios, and a change only when it is larger than the spread. Needs `wrk` (Debian/Ubuntu: apt-get install wrk).
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.servers import TemporarySite, free_port  # noqa: E402

# What a browser sends: pages and static files are measured as visitors receive them.
BROWSER_ENCODINGS = "gzip, deflate, br"


def run_wrk(url, duration, connections, threads, cookie=None, headers=None):
    command = ["wrk", "--latency", f"-t{threads}", f"-c{connections}", f"-d{duration}s",
               "--timeout", "10s", "-H", f"Accept-Encoding: {BROWSER_ENCODINGS}"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    return parse_wrk(output)


def between_static_runs(measure_static, targets, repeats):
    """Each target measured between two runs of the static file, `repeats` times.

    `targets` is [(label, measure)], each `measure()` returning parse_wrk's dict. On a
    shared machine the CPU other processes leave changes from second to second; a target's
    ratio to the mean of the static runs just before and after it cancels most of that.
    Returns {label: [result with "ratio", ...]} (the static file's own runs under "static").
    """
    results = {label: [] for label, _ in targets}
    results["static"] = []
    for _ in range(repeats):
        before = measure_static()
        results["static"].append({**before, "ratio": 1.0})
        for label, measure in targets:
            result = measure()
            after = measure_static()
            results["static"].append({**after, "ratio": 1.0})
            static = (before["rps"] + after["rps"]) / 2
            # No static request finished in the run (a starved machine): no ratio to give.
            result["ratio"] = result["rps"] / static if static else float("nan")
            results[label].append(result)
            before = after
    return results


def summary(runs):
    """Median and spread (min-max) of each figure over repeated runs."""
    def median_spread(name):
        values = sorted(run[name] for run in runs)
        return statistics.median(values), values[0], values[-1]

    return {name: median_spread(name) for name in ("rps", "p50_ms", "p99_ms", "ratio")} | {
        "errors": sum(run["errors"] for run in runs)
    }


def print_summary(results, width=40):
    print(f"{'target':<{width}} {'requests/s (min-max)':>24} {'p50 ms':>7} {'p99 ms':>7} "
          f"{'errors':>6} {'ratio (min-max)':>18}")
    for label, runs in results.items():
        figures = summary(runs)
        rps, p50, p99, ratio = (figures[name] for name in ("rps", "p50_ms", "p99_ms", "ratio"))
        print(
            f"{label:<{width}} {rps[0]:>9.0f} ({rps[1]:>6.0f}-{rps[2]:<6.0f}) {p50[0]:>7.2f} "
            f"{p99[0]:>7.2f} {figures['errors']:>6} {ratio[0]:>6.2f} ({ratio[1]:.2f}-{ratio[2]:.2f})"
        )


def _milliseconds(value, unit):
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def parse_wrk(output):
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = re.search(r"^\s+50%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (
        sum(int(n) for n in sockets.groups()) if sockets else 0
    )
    return {
        "requests": requests,
        "rps": rps,
        "p50_ms": _milliseconds(*p50.groups()) if p50 else float("nan"),
        "p99_ms": _milliseconds(*p99.groups()) if p99 else float("nan"),
        "errors": errors,
    }


def hashed_static_path(site, name="css/site.css"):
    manifest = json.loads((site.folder / "static" / "staticfiles.json").read_text())
    return "/static/" + manifest["paths"][name]


def decided_visitor_cookie(base, path):
    """Accept the banner as a browser without JavaScript would; return the Cookie header.

    The cookies are the ones a browser keeps after following the 303 back to the page: the
    signed consent cookie and the variant cookie beside it (without which nginx sends the
    visitor to the app every time), not the one-time "decision saved" cookie that page
    deletes (sent on every request, it made every page a confirmation page, never cached:
    the decided visitor's figures before 2026-12-04 measured that)."""
    with urllib.request.urlopen(base + path, timeout=10) as response:
        page = response.read().decode()
    shown = re.search(r'name="shown" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"action": "accept", "shown": shown, "next": path}).encode()
    request = urllib.request.Request(
        base + "/consent/", data=body, headers={"Origin": base, "Sec-Fetch-Site": "same-origin"}
    )

    class KeepRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        urllib.request.build_opener(KeepRedirect).open(request, timeout=10)
    except urllib.error.HTTPError as answer:  # the 303 back to the page
        cookies = _set_cookies(answer.headers)
    else:
        sys.exit("The consent form did not answer with a redirect and a cookie.")
    # The page it leads to, as the browser loads it next: it deletes the one-time cookie.
    header = "; ".join(f"{name}={value}" for name, value in cookies.items())
    with urllib.request.urlopen(urllib.request.Request(base + path, headers={"Cookie": header}), timeout=10) as page:
        for name, value in _set_cookies(page.headers, deleted=True).items():
            cookies.pop(name, None) if value is None else cookies.update({name: value})
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def _set_cookies(headers, deleted=False):
    """{name: value} of the Set-Cookie headers (None for a deleted cookie when `deleted`)."""
    found = {}
    for line in headers.get_all("Set-Cookie") or []:
        name, _, rest = line.partition("=")
        value = rest.split(";", 1)[0]
        found[name.strip()] = None if deleted and "max-age=0" in line.lower() else value
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=None, help="default: a free port")
    parser.add_argument("--duration", type=int, default=3, help="seconds per measurement")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each target")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="Gunicorn workers")
    parser.add_argument("--path", default="/", help="page to measure (default: the landing page)")
    parser.add_argument(
        "--languages",
        default="fr,ar",
        help="also measure the page in these languages, for new visitors (default: fr,ar; "
        "'' for none): each must keep up with the English page in the same run",
    )
    parser.add_argument(
        "--cookie",
        help="Cookie header of the visitor who has decided (default: the script accepts "
        "the banner itself, through the real consent form, and uses the cookie it gets)",
    )
    options = parser.parse_args()
    options.port = options.port or free_port()

    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: install it (Debian/Ubuntu: apt-get install wrk), then run again.")

    with tempfile.TemporaryDirectory(prefix="reportsite-bench-") as folder:
        print("Preparing a temporary site (migrate, seed content, collectstatic)...", flush=True)
        site = TemporarySite(folder).prepare()
        base = f"http://127.0.0.1:{options.port}"
        tagged = options.path + ("&" if "?" in options.path else "?") + "utm_source=x"
        targets = [
            ("static file (WhiteNoise)", hashed_static_path(site), None),
            # The floor for any Django view on this stack: middleware, one query, one cache hit.
            ("trivial view /healthz", "/healthz", None),
            (f"page {options.path}, new visitor", options.path, None),
            # A campaign link: tracking tags must be served from the same cached copy.
            (f"page {tagged}, new visitor", tagged, None),
        ]
        for language in filter(None, options.languages.split(",")):
            path = f"/{language.strip()}{options.path}"
            targets.append((f"page {path}, new visitor", path, None))
        decided = (f"page {options.path}, decided visitor", options.path, options.cookie)
        targets.append(decided)

        print(
            f"Gunicorn, {options.workers} workers, on {base}; wrk: {options.connections} "
            f"connections, {options.threads} threads, {options.duration} s each",
            flush=True,
        )
        idle_load = os.getloadavg()[0]
        with site.gunicorn(options.port, workers=options.workers):
            if not options.cookie:
                targets[-1] = (*decided[:2], decided_visitor_cookie(base, options.path))

            def measure(path, cookie=None):
                return lambda: run_wrk(
                    base + path, options.duration, options.connections, options.threads, cookie
                )

            for _label, path, cookie in targets:
                run_wrk(base + path, 1, options.connections, options.threads, cookie)  # warm up
            static_label, static_path, _ = targets[0]
            results = between_static_runs(
                measure(static_path),
                [(label, measure(path, cookie)) for label, path, cookie in targets[1:]],
                options.repeats,
            )
    results = {static_label: results.pop("static"), **results}

    # wrk and Gunicorn themselves load the machine; what matters is the load before them.
    print(f"\nload average before the run: {idle_load:.2f} on {os.cpu_count()} cores")
    if idle_load > 0.5:
        print("(other processes were busy: they shared the CPU, so these figures are noisy)")
    print_summary(results)
    print(
        f"\nmedian of {options.repeats} runs (min-max); ratio = requests/s of the target / mean "
        "requests/s of the static file in the runs just before and after it"
    )
    if any(run["errors"] for runs in results.values() for run in runs):
        sys.exit(1)


if __name__ == "__main__":
    main()
