#!/usr/bin/env python3
"""The web edition of a report the real one's size: import time and memory, chapter page
queries, throughput beside a static file, HTML bytes.

    .venv/bin/python bench/edition_import.py [--chapters 10] [--duration 5] [--repeats 3]
        [--lighthouse]

Generates a Markdown report (editions.sample_report) of about 120 000 words in 10
chapters, with 200 figures (1600 × 1000 PNG made with Pillow), 60 tables, 800 footnotes
and 1 500 references, zips it with its images and, in a temporary site (SQLite, seed
content, collected static files):

- imports it as the worker would (`manage.py import_edition --now`): wall time, CPU time
  and peak memory of the importing process (Python, with its figure threads) and of
  pandoc (its child); on a busy machine compare CPU time with the goal;
- publishes it and counts the SQL queries of the longest chapter page, rendered and then
  answered from the page cache (Django's test client in one process);
- serves the site with Gunicorn (gunicorn.conf.py, 2 workers) and loads the longest
  chapter with `wrk` for `--duration` seconds, between two runs of a static file (the
  site's stylesheet), `--repeats` times: requests per second and the ratio to the static
  runs around it, median and spread (bench/throughput.py `between_static_runs`), so that
  a real change can be told from the machine's noise;
- prints the chapter's HTML bytes, raw, gzip (level 6) and Brotli (quality 5);
- with `--lighthouse`, runs bench/lighthouse.py on the longest chapter against that
  server (mobile, median of 3 runs; Lighthouse installed as that script says);
- with `--translation`, instead of serving it: exports the whole edition for French
  translators (XLIFF, and PO with the site's other content), "translates" every unit in
  the XLIFF as a CAT tool would (placeholders kept), imports it and publishes the French
  version: seconds, bytes, peak memory, and the French longest chapter's queries.

Goals (issue 16): import ≤ 60 s, peak ≤ 600 MB, queries ≤ 10 rendered and 0 cached,
throughput ÷ static ≥ 0.9.
"""

import argparse
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from throughput import between_static_runs, hashed_static_path, print_summary, run_wrk  # noqa: E402

from tests.servers import PYTHON, TemporarySite, free_port  # noqa: E402

IMPORT = """
import json, resource, time
from django.core.management import call_command
started = time.monotonic()
call_command("import_edition", "{slug}", "{source}", now=True)
seconds = time.monotonic() - started
me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({{"seconds": seconds,
    "python_cpu": me.ru_utime + me.ru_stime, "pandoc_cpu": children.ru_utime + children.ru_stime,
    "python_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "pandoc_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}}))
"""

PUBLISH_AND_COUNT = """
import json
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from editorial.actions import Publish
from editions.models import EditionVersion
from publications.models import SiteContent
user = User.objects.create_superuser("bench", "bench@example.org", "bench-password-unused")
version = EditionVersion.objects.latest("pk")
Publish(version, user).execute()
SiteContent.load()
longest = version.chapters.order_by("-word_count").first()
path = "/publication/{slug}/read/" + longest.identifier + "/"
client = Client(HTTP_HOST="127.0.0.1")
with CaptureQueriesContext(connection) as rendered:
    first = client.get(path)
with CaptureQueriesContext(connection) as cached:
    second = client.get(path)
print(json.dumps({{"path": path, "rendered": len(rendered), "cached": len(cached),
    "cache": second.get("X-Page-Cache"), "status": first.status_code,
    "words": longest.word_count, "figures": longest.figures.count()}}))
"""


TRANSLATE = """
import json, resource, time
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from translate.storage import xliff
from translate.storage.placeables import StringElem, xliff as placeables
from editorial.actions import Publish
from editions.models import EditionVersion
from translations.exchange import export_po, export_xliff, import_translations, units_for
user = User.objects.get(username="bench")
started = time.monotonic()
units = [unit for unit in units_for("fr", "all", user) if unit.key.startswith("edition:")]
data = export_xliff(units, "fr")
xliff_seconds = time.monotonic() - started
started = time.monotonic()
po = export_po(units_for("fr", "all", user), "fr")
po_seconds = time.monotonic() - started
# The translator's tool: every text piece "translated", every placeholder kept.
store = xliff.xlifffile.parsestring(data)
for unit in store.units:
    unit.rich_target = [StringElem([e if isinstance(e, placeables.X) else "FR " + str(e)
                                    for e in unit.rich_source[0].flatten()])]
returned = bytes(store)
started = time.monotonic()
report = import_translations(returned, "fr", user)
import_seconds = time.monotonic() - started
version = EditionVersion.objects.filter(edition__language="fr").latest("pk")
Publish(version, user).execute()
longest = version.chapters.order_by("-word_count").first()
client = Client(HTTP_HOST="127.0.0.1")
with CaptureQueriesContext(connection) as rendered:
    page = client.get("/fr/publication/{slug}/read/" + longest.identifier + "/")
from editions.translating import EditionUnits
started = time.monotonic()
EditionUnits().status_counts(user)
panel_seconds = time.monotonic() - started
print(json.dumps({{"units": len(units), "xliff_seconds": xliff_seconds, "panel_seconds": panel_seconds, "xliff_bytes": len(data),
    "po_seconds": po_seconds, "po_bytes": len(po), "import_seconds": import_seconds,
    "accepted": len(report.accepted), "refused": len(report.refused),
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "status": page.status_code, "queries": len(rendered), "french": "FR " in page.content.decode()}}))
"""


def shell(site, code):
    result = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code], cwd=ROOT, env=site.env, capture_output=True, text=True,
    )
    if result.returncode != 0:
        sys.exit(result.stderr[-3000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chapters", type=int, default=10)
    parser.add_argument("--duration", type=int, default=5, help="seconds of wrk per run")
    parser.add_argument("--repeats", type=int, default=3, help="chapter runs, each between static runs")
    parser.add_argument("--lighthouse", action="store_true", help="Lighthouse on the longest chapter")
    parser.add_argument("--translation", action="store_true",
                        help="only the translators' round trip of the whole report into French, then stop")
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: install it (Debian/Ubuntu: apt-get install wrk), then run again.")

    from editions.sample_report import write_sample

    folder = Path(tempfile.mkdtemp(prefix="bench-edition-"))
    try:
        started = time.monotonic()
        _path, counts = write_sample(
            folder / "source", chapters=options.chapters, sections=10, paragraphs=12, paragraph_words=100,
            notes=8, figures=20, tables=6, references=1500, image_size=(1600, 1000), title="Benchmark report",
        )
        archive = shutil.make_archive(str(folder / "report"), "zip", folder / "source")
        words = len((folder / "source" / "report.md").read_text().split())
        print(f"Source: {counts.chapters} chapters, {counts.sections} sections, {counts.figures} figures, "
              f"{counts.tables} tables, {counts.footnotes} footnotes, {counts.references} references, "
              f"~{words} words (made in {time.monotonic() - started:.1f} s)")

        site = TemporarySite(folder / "site")
        site.prepare(seed=True, static=True)
        slug = "international-ai-safety-report-2025"
        # On a shared machine the wall time depends on what else runs: CPU time does not.
        load_before = os.getloadavg()[0]
        imported = shell(site, IMPORT.format(slug=slug, source=archive))
        print(f"Import: {imported['seconds']:.1f} s wall (goal ≤ 60); CPU: importer {imported['python_cpu']:.1f} s, "
              f"pandoc {imported['pandoc_cpu']:.1f} s; load average before: {load_before:.1f}")
        print(f"Peak memory: importer {imported['python_mb']:.0f} MB, pandoc {imported['pandoc_mb']:.0f} MB (goal ≤ 600)")
        page = shell(site, PUBLISH_AND_COUNT.format(slug=slug))
        print(f"Longest chapter {page['path']} ({page['words']} words, {page['figures']} figures): "
              f"{page['rendered']} queries rendered (goal ≤ 10), {page['cached']} cached ({page['cache']}, goal 0)")
        if options.translation:
            result = shell(site, TRANSLATE.format(slug=slug))
            print(f"Translation export of the whole edition: {result['units']} units; XLIFF "
                  f"{result['xliff_bytes']:,} bytes in {result['xliff_seconds']:.1f} s; PO (with the site's other "
                  f"content) {result['po_bytes']:,} bytes in {result['po_seconds']:.1f} s")
            print(f"Import of every unit translated: {result['import_seconds']:.1f} s, {result['accepted']} accepted, "
                  f"{result['refused']} refused; peak memory {result['peak_mb']:.0f} MB; the French longest chapter: "
                  f"{result['status']}, {result['queries']} queries, French text shown: {result['french']}")
            print(f"The dashboard's translation counts of the edition, every language: {result['panel_seconds']:.2f} s")
            return

        port = free_port()
        with site.gunicorn(port, workers=2):
            base = f"http://127.0.0.1:{port}"
            html = urllib.request.urlopen(base + page["path"]).read()
            print(f"HTML: {len(html):,} bytes raw, {len(gzip.compress(html, 6)):,} gzip-6, "
                  + (f"{len(_brotli(html)):,} brotli-5" if _brotli(html) else "brotli not installed"))
            static = hashed_static_path(site)
            for address in (static, page["path"]):
                run_wrk(base + address, 1, 16, 2)  # warm up
            results = between_static_runs(
                lambda: run_wrk(base + static, options.duration, 16, 2),
                [("longest chapter", lambda: run_wrk(base + page["path"], options.duration, 16, 2))],
                options.repeats,
            )
            print_summary(results)
            ratios = sorted(run["ratio"] for run in results["longest chapter"])
            print(f"Chapter ÷ static file: median {statistics.median(ratios):.2f} "
                  f"({ratios[0]:.2f}-{ratios[-1]:.2f}) over {options.repeats} runs (goal ≥ 0.9); "
                  f"load average {os.getloadavg()[0]:.1f}")
            if options.lighthouse:
                subprocess.run([PYTHON, str(ROOT / "bench" / "lighthouse.py"), page["path"], "--base-url", base,
                                "--mode", "mobile", "--runs", "3"], check=False)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _brotli(data):
    try:
        import brotli
    except ImportError:
        return b""
    return brotli.compress(data, quality=5)


if __name__ == "__main__":
    main()
