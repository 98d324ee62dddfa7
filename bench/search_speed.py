#!/usr/bin/env python3
"""Site search at scale: query times and re-indexing time.

    .venv/bin/python bench/search_speed.py [--sections 10000] [--queries 300]
    DATABASE_URL=postgres://... .venv/bin/python bench/search_speed.py   # on PostgreSQL

Fills the search index (search.index.write, the path publishing takes) with --sections
web-edition sections in each of the six languages (generated text of about 150 words, with
Zipf-distributed words so that common words are common), registered as a kind "section" as
the edition app will register its sections. Then measures:

- query time: search.engine.run (the whole search a page makes: matches, English fallback,
  counts, one page of results with snippets), median and p99 over --queries queries per
  language, each one or two words taken from the indexed texts (common and rare ones);
- re-index time of one edition (--edition-size sections × 6 languages): its entries deleted
  and written again in one transaction.

On SQLite it uses a new database file in a temporary folder; on PostgreSQL the database
named by DATABASE_URL (its search tables are emptied first). Prints the figures.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

LANGUAGES = ["en", "fr", "es", "ru", "zh-hans", "ar"]
ALPHABETS = {
    "en": "abcdefghijklmnopqrstuvwxyz",
    "fr": "abcdefghijklmnopqrstuvwxyzéèàç",
    "es": "abcdefghijklmnopqrstuvwxyzñáéó",
    "ru": "абвгдежзийклмнопрстуфхцчшщыэюя",
    "ar": "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
}
SUFFIXES = {
    "en": ["", "s", "ing", "ed", "ion", "ions"],
    "fr": ["", "s", "es", "tion", "tions", "ement"],
    "es": ["", "s", "es", "ción", "ciones", "mente"],
    "ru": ["", "а", "и", "ов", "ами", "ость"],
    "ar": ["", "ات", "ون", "ية"],
}


def vocabulary(language, size, rng):
    if language == "zh-hans":
        return [chr(rng.randrange(0x4E00, 0x4E00 + 2500)) for _ in range(size)]
    letters = ALPHABETS[language]
    stems = ["".join(rng.choice(letters) for _ in range(rng.randint(4, 8))) for _ in range(size)]
    if language == "ar":
        stems = [("ال" if rng.random() < 0.3 else "") + stem for stem in stems]
    return stems


def text(language, words, weights, count, rng):
    chosen = rng.choices(words, weights=weights, k=count)
    if language == "zh-hans":
        return "".join(chosen) + "。"
    suffixes = SUFFIXES[language]
    return " ".join(word + rng.choice(suffixes) for word in chosen) + "."


def setup(database_url):
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ["DEBUG"] = "false"
    os.environ["ALLOWED_HOSTS"] = "localhost"
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        folder = tempfile.mkdtemp(prefix="bench-search-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "reportsite.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sections", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--edition-size", type=int, default=400)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    setup(os.environ.get("DATABASE_URL"))

    from django.db import connection, transaction

    from search import engine, index, registry
    from search.models import SearchEntry, SearchWord

    rng = random.Random(args.seed)
    pools = {}
    for language in LANGUAGES:
        words = vocabulary(language, 4000, rng)
        weights = [1 / (rank + 1) for rank in range(len(words))]
        pools[language] = (words, weights)

    class Section:
        def __init__(self, number):
            self.pk = number

    class SectionSearch(registry.SearchKind):
        name = "section"
        label = "Report sections"

        def live_items(self):
            return (Section(n) for n in range(args.sections))

        def documents(self, section):
            local = random.Random(section.pk)
            for language in LANGUAGES:
                words, weights = pools[language]
                yield registry.Document(
                    language=language,
                    title=text(language, words, weights, 6, local),
                    body=text(language, words, weights, 150, local),
                    url=f"/{language}/edition/2026/section-{section.pk}/",
                    year=2026,
                    context=f"Edition {section.pk // args.edition_size}",
                )

    kind = SectionSearch()
    registry.register(kind)
    SearchEntry.objects.all().delete()
    SearchWord.objects.all().delete()

    started = time.perf_counter()
    written = index.rebuild(["section"])
    fill_seconds = time.perf_counter() - started
    print(f"Database: {connection.vendor}; {written} entries ({args.sections} sections × 6 languages) "
          f"indexed in {fill_seconds:.1f} s")

    print(f"{'language':10} {'median ms':>10} {'p99 ms':>8} {'max ms':>8} {'mean hits':>10}")
    for language in LANGUAGES:
        words, _weights = pools[language]
        times, hits = [], []
        for number in range(args.queries):
            if language == "zh-hans":
                # Two characters that occur together in an indexed text.
                sample = SearchEntry.objects.filter(language=language, key=str(rng.randrange(args.sections))).values_list("body", flat=True).first()
                start = rng.randrange(len(sample) - 3)
                query = sample[start:start + 2]
            else:
                # Alternately a common word, a rare word, and two words.
                common, rare = words[rng.randrange(50)], words[rng.randrange(500, 4000)]
                query = [common, rare, f"{common} {rare}"][number % 3]
            began = time.perf_counter()
            result = engine.run(query, language)
            times.append((time.perf_counter() - began) * 1000)
            hits.append(result.total)
        times.sort()
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
        print(f"{language:10} {statistics.median(times):10.1f} {p99:8.1f} {times[-1]:8.1f} {statistics.mean(hits):10.0f}")

    edition = [Section(n) for n in range(args.edition_size)]
    started = time.perf_counter()
    with transaction.atomic():
        SearchEntry.objects.filter(kind="section", key__in=[str(s.pk) for s in edition]).delete()
        rewritten = index.write(kind, edition)
    print(f"Re-index one edition ({args.edition_size} sections, {rewritten} entries): "
          f"{time.perf_counter() - started:.2f} s")
    print(f"Load average: {os.getloadavg()[0]:.2f} (2 cores shared with other work)")


if __name__ == "__main__":
    main()
