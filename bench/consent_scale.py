#!/usr/bin/env python3
"""The consent log at scale: admin list, filters, overview, export and verify timings.

    .venv/bin/python bench/consent_scale.py [--records 1000000] [--weeks 12]

Makes a temporary site (its own folder and SQLite file, see tests.servers.TemporarySite),
fills it with --records consent records spread over the last --weeks weeks with bulk SQL
(valid chain records: each hash is computed with consent.chain, so verifying really
verifies), then measures, each part in a fresh process (its peak memory is the process's
maximum resident size):

- the admin consent-record list and each of its filters, and the weekly overview, through
  Django's test client as a superuser (the first answer and the best of three);
- `export_consent_records` (CSV to a file) and `verify_consent_records`, in records/s.

The CPU is shared on small machines: the load average is printed with the figures.
"""

import argparse
import contextlib
import datetime
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from deploy.processes import PYTHON, TemporarySite  # noqa: E402

USER_AGENTS = [
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Version/17.5 Safari/605",
]
PATHS = ["/", "/publications/", "/about/", "/privacy/", "/publications/international-ai-safety-report-2025/"]
BATCH = 20_000


def fill(count, weeks, seed=1):
    """Write `count` chained records over the last `weeks` weeks, oldest first, with bulk SQL."""
    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone

    from consent import chain
    from consent.models import ChainHead, ConsentRecord, PolicyVersion, Purpose, ShownTexts
    from consent.state import fingerprint as texts_fingerprint
    from consent.state import shown_texts

    rng = random.Random(seed)
    slugs = list(Purpose.objects.values_list("slug", flat=True))
    required = set(Purpose.objects.filter(required=True).values_list("slug", flat=True))
    version = PolicyVersion.objects.current().number
    texts = shown_texts(list(Purpose.objects.all()), gpc=False)
    fingerprint = texts_fingerprint(texts)
    ShownTexts.objects.get_or_create(fingerprint=fingerprint, defaults={"content": texts})
    now = timezone.now()
    start = now - datetime.timedelta(weeks=weeks)
    step = (now - start) / count
    ops = connection.ops
    table = ConsentRecord._meta.db_table
    columns = ["sequence", "consent_id", "created_at", "policy_version", "choices", "action",
               "gpc", "path", "user_agent", "ip_hash", "texts_fingerprint", "language",
               "prev_hash", "record_hash"]
    # Most visitors read the default language, the others spread over the rest.
    languages = [code for code, _ in settings.LANGUAGES]
    weights = [6 if code == settings.LANGUAGE_CODE else 1 for code in languages]
    sql = (f"INSERT INTO {table} ({', '.join(columns)}) "
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    visitors = []  # consent ids that may decide again (about a third of the records)
    prev = chain.GENESIS_HASH
    made = 0
    with transaction.atomic():
        while made < count:
            rows = []
            for index in range(made, min(made + BATCH, count)):
                if visitors and rng.random() < 0.3:
                    consent_id = visitors[rng.randrange(len(visitors))]
                else:
                    consent_id = uuid.UUID(int=rng.getrandbits(128), version=4)
                    if len(visitors) < 50_000:
                        visitors.append(consent_id)
                    else:
                        visitors[rng.randrange(len(visitors))] = consent_id
                roll = rng.random()
                if roll < 0.45:
                    action, choices = "accept_all", {slug: True for slug in slugs}
                elif roll < 0.8:
                    action, choices = "decline_all", {slug: slug in required for slug in slugs}
                else:
                    action = "custom" if roll < 0.95 else "withdraw"
                    choices = {slug: slug in required or rng.random() < 0.5 for slug in slugs}
                record = ConsentRecord(
                    sequence=index + 1,
                    consent_id=consent_id,
                    created_at=start + step * index,
                    policy_version=version,
                    choices=choices,
                    action=action,
                    gpc=rng.random() < 0.1,
                    path=PATHS[rng.randrange(len(PATHS))],
                    user_agent=USER_AGENTS[rng.randrange(len(USER_AGENTS))],
                    ip_hash=f"{rng.getrandbits(256):064x}",
                    texts_fingerprint=fingerprint,
                    language=rng.choices(languages, weights)[0],
                    prev_hash=prev,
                )
                record.record_hash = prev = chain.record_hash(record, prev)
                rows.append((
                    record.sequence, ops.adapt_uuidfield_value(consent_id)
                    if hasattr(ops, "adapt_uuidfield_value") else consent_id.hex,
                    ops.adapt_datetimefield_value(record.created_at), version,
                    json.dumps(choices), action, record.gpc, record.path, record.user_agent,
                    record.ip_hash, fingerprint, record.language, record.prev_hash,
                    record.record_hash,
                ))
            with connection.cursor() as cursor:
                cursor.executemany(sql, rows)
            made += len(rows)
            print(f"\r  {made:,} records", end="", flush=True)
        ChainHead.objects.update_or_create(
            pk=1, defaults={"last_sequence": count, "last_hash": prev}
        )
    print()
    rebuild_summary()


def rebuild_summary():
    try:
        from consent import summary
    except ImportError:  # before the per-day summary existed
        return
    started = time.perf_counter()
    summary.rebuild()
    print(f"  per-day summary rebuilt in {time.perf_counter() - started:.1f} s")


def measure_pages(weeks):
    """Admin pages through the test client: {label: (first ms, best ms)}."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    def local_midnight(day):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

    from consent.models import ConsentRecord

    user = get_user_model().objects.filter(username="bench").first() or \
        get_user_model().objects.create_superuser("bench", password="bench-only")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    sample = ConsentRecord.objects.order_by("sequence").values_list("consent_id", flat=True)[1000]
    today = timezone.localdate()
    month_ago = today - datetime.timedelta(days=30)
    base = "/admin/consent/consentrecord/"
    pages = {
        "list": base,
        "list, page 50": base + "?p=50",
        "filter action=withdraw": base + "?action__exact=withdraw",
        "filter policy version": base + "?version=1",
        "filter analytics refused": base + "?purpose=analytics:0",
        "filter GPC": base + "?gpc__exact=1",
        "filter past 7 days": base + "?" + urlencode({
            "created_at__gte": str(local_midnight(today - datetime.timedelta(days=7))),
            "created_at__lt": str(local_midnight(today + datetime.timedelta(days=1))),
        }),
        "filter date range (30 days)": base + "?" + urlencode({
            "created_from": (month_ago - datetime.timedelta(days=30)).isoformat(),
            "created_to": month_ago.isoformat(),
        }),
        "search consent id prefix": base + f"?q={str(sample)[:8]}",
        "search full consent id": base + f"?q={sample}",
        "weekly overview": base + "overview/",
    }
    results = {}
    for label, url in pages.items():
        timings, cpu = [], []
        for _ in range(3):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        if response.status_code != 200:
            label += f" (answered {response.status_code})"
        results[label] = (timings[0], min(timings), min(cpu))
    return results


def measure_command(name, count):
    """Run a management command; (seconds, records per second, per CPU-second)."""
    from django.core.management import call_command

    with tempfile.TemporaryDirectory() as folder:
        started, started_cpu = time.perf_counter(), time.process_time()
        if name == "export":
            call_command("export_consent_records", output=str(Path(folder) / "out.csv"),
                         stderr=open(os.devnull, "w"))
        else:
            call_command("verify_consent_records", stdout=open(os.devnull, "w"))
        seconds = time.perf_counter() - started
        cpu = time.process_time() - started_cpu
    return seconds, count / seconds, count / cpu


def child(part, count, weeks):
    import django

    django.setup()
    if part == "fill":
        result = fill(count, weeks)
    elif part == "refresh":
        from consent.models import ConsentDaySummary

        # The migration that adds the summary fills it; an older filled folder needs it.
        result = None if ConsentDaySummary.objects.exists() else rebuild_summary()
    elif part == "pages":
        result = measure_pages(weeks)
    else:
        result = measure_command(part, count)
    print("RESULT " + json.dumps(result), flush=True)


def run_part(site, part, count, weeks):
    """Run one part in a fresh process; (its result, its peak resident memory in MB)."""
    process = subprocess.Popen(
        [PYTHON, __file__, "--part", part, "--records", str(count), "--weeks", str(weeks)],
        cwd=PROJECT, env={**site.env, "DJANGO_SETTINGS_MODULE": "reportsite.settings"},
        stdout=subprocess.PIPE, text=True,
    )
    result, answered = None, False
    for line in process.stdout:
        if line.startswith("RESULT "):
            result, answered = json.loads(line[7:]), True
        else:
            print(line, end="", flush=True)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = status
    if status or not answered:
        raise SystemExit(f"the {part} part failed (status {status})")
    peak_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    return result, peak_mb


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--weeks", type=int, default=12)
    parser.add_argument(
        "--keep", metavar="FOLDER",
        help="use and keep this folder; a database already filled there is reused (migrated)",
    )
    parser.add_argument("--part", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.part:
        return child(options.part, options.records, options.weeks)

    load_before = os.getloadavg()
    with contextlib.ExitStack() as stack:
        folder = options.keep or stack.enter_context(
            tempfile.TemporaryDirectory(prefix="reportsite-consent-scale-")
        )
        reuse = options.keep and (Path(folder) / "db.sqlite3").exists()
        print("Preparing a temporary site (migrate, collectstatic)...", flush=True)
        site = TemporarySite(folder)
        if reuse:
            site.env["SECRET_KEY"] = (Path(folder) / "secret-key").read_text()
        else:
            (Path(folder) / "secret-key").write_text(site.env["SECRET_KEY"])
        site.prepare(seed=False, static=not reuse)
        if reuse:
            print(f"Reusing the records in {site.database}", flush=True)
            run_part(site, "refresh", options.records, options.weeks)
        else:
            print(f"Filling {options.records:,} records over {options.weeks} weeks...", flush=True)
            started = time.perf_counter()
            run_part(site, "fill", options.records, options.weeks)
            print(f"  filled in {time.perf_counter() - started:.0f} s "
                  f"({os.path.getsize(site.database) / 2**20:.0f} MB database)")
        pages, pages_mb = run_part(site, "pages", options.records, options.weeks)
        export, export_mb = run_part(site, "export", options.records, options.weeks)
        verify, verify_mb = run_part(site, "verify", options.records, options.weeks)
    load_after = os.getloadavg()
    # On a shared machine wall time stretches while CPU time mostly does not: both shown.

    print(f"\nConsent log with {options.records:,} records (SQLite), test client as superuser")
    print(f"{'page':44} {'first':>9} {'best of 3':>10} {'CPU (best)':>11}")
    for label, (first, best, cpu) in pages.items():
        print(f"{label:44} {first:7.0f} ms {best:7.0f} ms {cpu:8.0f} ms")
    print(f"(admin pages process peak memory: {pages_mb:.0f} MB)")
    for name, (seconds, rate, cpu_rate), peak in (("export", export, export_mb),
                                                  ("verify", verify, verify_mb)):
        print(f"{name}_consent_records: {seconds:6.1f} s, {rate:9,.0f} records/s "
              f"({cpu_rate:,.0f} per CPU-second), peak memory {peak:.0f} MB")
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} "
          f"({os.cpu_count()} CPUs): figures are noisy when it is above 1.")


if __name__ == "__main__":
    main()
