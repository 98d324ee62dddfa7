"""Lighthouse scores of the public pages, at mobile and desktop settings.

Starts a production-like site of its own (tests/servers.py `TemporarySite`: a fresh SQLite
database with the seed content, collected static files, DEBUG off, Gunicorn with the
project's gunicorn.conf.py on the first free port of 8600-8649), runs Lighthouse on `/`, a
publication page, `/publications/` and `/privacy/` in mobile (Lighthouse's default) and
desktop (`--preset=desktop`) modes, and prints the four category scores per page and mode,
then every audit that did not pass.

Lighthouse is a Node program, not part of this project. Lighthouse 12 runs on Node 20:

    mkdir -p /tmp/lh && (cd /tmp/lh && npm i lighthouse@12)
    .venv/bin/python bench/lighthouse.py                      # all pages, both modes
    .venv/bin/python bench/lighthouse.py --mode desktop / --reports /tmp/lh-reports
    .venv/bin/python bench/lighthouse.py --topology               # through nginx (deploy/)
    .venv/bin/python bench/lighthouse.py --base-url http://127.0.0.1:8080   # a running site

Performance varies from run to run, more so on a busy machine: `--runs 3` keeps, per page
and mode, the run with the median performance score (Lighthouse's own advice); the load
average is printed at the end. The script looks for Lighthouse in $LIGHTHOUSE, then /tmp/lh/node_modules/.bin/lighthouse,
then on the PATH; Chromium in $CHROME_PATH, then /usr/bin/chromium. Each run takes ~15 s.
The first visit of each page is what Lighthouse measures: the cookie banner is showing.
"""

import argparse
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import TemporarySite  # noqa: E402

PORTS = range(8600, 8650)
PAGES = ("/", "/publication/international-ai-safety-report-2025/", "/publications/", "/privacy/")
MODES = ("mobile", "desktop")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)
INSTALL_HINT = (
    "Lighthouse 12 is not installed. Install it in a folder of its own, e.g.\n"
    "    mkdir -p /tmp/lh && (cd /tmp/lh && npm i lighthouse@12)\n"
    "or point $LIGHTHOUSE at its executable."
)


def find_lighthouse():
    for candidate in (os.environ.get("LIGHTHOUSE"), "/tmp/lh/node_modules/.bin/lighthouse"):
        if candidate and Path(candidate).is_file():
            return candidate
    found = shutil.which("lighthouse")
    if found:
        return found
    sys.exit(INSTALL_HINT)


def free_port():
    for port in PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    sys.exit(f"No free port in {PORTS.start}-{PORTS.stop - 1}.")


def run_lighthouse(lighthouse, url, mode, output):
    command = [
        lighthouse,
        url,
        "--output=json",
        f"--output-path={output}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--quiet",
    ]
    if mode == "desktop":
        command.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    report = {}
    # A fresh Chromium can fail its first trace (NO_NAVSTART and the like): try again.
    for _attempt in range(3):
        subprocess.run(command, env=env, capture_output=True, timeout=180)
        try:
            report = json.loads(Path(output).read_text())
        except (OSError, ValueError):
            continue
        if not report.get("runtimeError") and all(
            report["categories"][name]["score"] is not None for name in CATEGORIES
        ):
            return report
    error = report.get("runtimeError", {}).get("message", "no report")
    sys.exit(f"Lighthouse failed three times on {url} ({mode}): {error}")


def failed_audits(report):
    """(weight, category, audit id, title, shown value) of each audit below 1.

    Weight 0 audits (Lighthouse 12's "insights" and diagnostics) are advice: they do not
    count in the category score.
    """
    failures = []
    for name in CATEGORIES:
        for ref in report["categories"][name]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if audit["scoreDisplayMode"] in ("notApplicable", "informative", "manual"):
                continue
            if audit["score"] is not None and audit["score"] < 1:
                failures.append(
                    (ref["weight"], name, audit["id"], audit["title"], audit.get("displayValue", ""))
                )
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", default=PAGES, help="pages (default: the four)")
    parser.add_argument("--mode", choices=MODES, action="append", help="default: both")
    parser.add_argument("--reports", type=Path, help="keep each JSON report in this folder")
    parser.add_argument("--runs", type=int, default=1, help="runs per page and mode (median kept)")
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--base-url", help="measure a site that is already running here")
    target.add_argument(
        "--topology", action="store_true",
        help="start deploy/topology.py (nginx, two app servers, PostgreSQL, Redis, S3) and "
        "measure through nginx",
    )
    arguments = parser.parse_args()
    lighthouse = find_lighthouse()
    modes = arguments.mode or MODES

    with tempfile.TemporaryDirectory(prefix="reportsite-lighthouse-") as folder, \
            contextlib.ExitStack() as running:
        reports = arguments.reports or Path(folder) / "reports"
        reports.mkdir(parents=True, exist_ok=True)
        if arguments.base_url:
            base_url = arguments.base_url.rstrip("/")
        elif arguments.topology:
            from deploy.topology import Topology

            base_url = running.enter_context(Topology()).url()
        else:
            site = TemporarySite(Path(folder) / "site", ALLOWED_HOSTS="127.0.0.1,localhost")
            site.prepare()
            port = free_port()
            running.enter_context(site.gunicorn(port, workers=2))
            base_url = f"http://127.0.0.1:{port}"
        rows, problems = [], []
        for path in arguments.paths:
            for mode in modes:
                name = path.strip("/").replace("/", "_") or "home"
                url = f"{base_url}{path}"
                runs = []
                for run in range(arguments.runs):
                    output = reports / f"{name}.{mode}.{run + 1}.json"
                    runs.append(run_lighthouse(lighthouse, url, mode, output))
                runs.sort(key=lambda report: report["categories"]["performance"]["score"])
                report = runs[len(runs) // 2]
                scores = [round(report["categories"][c]["score"] * 100) for c in CATEGORIES]
                rows.append((path, mode, *scores))
                problems += [(path, mode, *failure) for failure in failed_audits(report)]
                print(f"  {path} ({mode}): {' '.join(map(str, scores))}", file=sys.stderr)

    width = max(len(row[0]) for row in rows)
    header = f"{'page':<{width}}  {'mode':<7}  {'perf':>4}  {'a11y':>4}  {'best':>4}  {'seo':>4}"
    print(header)
    print("-" * len(header))
    for path, mode, *scores in rows:
        print(f"{path:<{width}}  {mode:<7}  " + "  ".join(f"{score:>4}" for score in scores))
    print()
    scored = [problem for problem in problems if problem[2] > 0]
    if scored:
        print("Scored audits that did not pass:")
        for path, mode, _weight, category, audit, title, value in scored:
            print(f"  {path} ({mode}) [{category}] {audit}: {title}{f' ({value})' if value else ''}")
    else:
        print("Every scored audit passed.")
    advice = {}
    for path, mode, weight, category, audit, title, _value in problems:
        if weight == 0:
            advice.setdefault((category, audit, title), []).append(f"{path} ({mode})")
    if advice:
        print("\nAdvice (weight 0, not in the scores):")
        for (category, audit, title), pages in sorted(advice.items()):
            print(f"  [{category}] {audit}: {title}: on {len(pages)} of {len(rows)} page/mode pairs")
    if arguments.reports:
        print(f"\nJSON reports in {reports}")
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\nLoad average at the end (1, 5, 15 min; {os.cpu_count()} cores): {load}.")
    if os.getloadavg()[1] > os.cpu_count():
        print("Other processes shared the CPU: performance scores are noisier than usual.")


if __name__ == "__main__":
    main()
