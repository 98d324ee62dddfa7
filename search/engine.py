"""A visitor's search: the query read in the page's language, matches in that language
and (for items without a translation) in English, filters, counts, a page of results with
highlighted snippets, and a "did you mean" suggestion when nothing matches."""

import difflib
import html
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.safestring import mark_safe

from . import backends, registry
from .backends import current
from .models import SearchEntry, SearchWord
from .text import HAN, parse_query, stem, tokens

PER_PAGE = 10
MAX_QUERY_LENGTH = 300
SNIPPET_WORDS = 30


@dataclass
class Result:
    entry: SearchEntry
    kind_label: str
    title_html: str
    snippet_html: str


@dataclass
class Search:
    text: str
    language: str
    kind: str = ""
    year: str = ""
    result_language: str = ""
    page: int = 1
    problem: str = ""
    total: int = 0
    capped: bool = False
    results: list = field(default_factory=list)
    kind_counts: list = field(default_factory=list)
    year_counts: list = field(default_factory=list)
    language_counts: list = field(default_factory=list)
    suggestion: str = ""

    @property
    def pages(self):
        return max(1, -(-self.total // PER_PAGE))


def run(text, language, kind="", year="", result_language="", page=1):
    search = Search(text, language, kind, year, result_language, page)
    if len(text) > MAX_QUERY_LENGTH:
        search.problem = "too-long"
        return search
    query = parse_query(text, language)
    if query.problem:
        search.problem = query.problem
        return search
    rows = _matches(text, language)
    if not rows:
        search.suggestion = suggest(query, language)
        return search
    # Each backend query stops at MAX_MATCHES: beyond, counts say "more than".
    search.capped = len(rows) >= backends.MAX_MATCHES
    search.kind_counts = _counts(rows, 1)
    # Items without a year (site pages) are counted under no year.
    search.year_counts = sorted(((y, n) for y, n in _counts(rows, 2) if y is not None), reverse=True)
    search.language_counts = _counts(rows, 3)
    selected = [
        row for row in rows
        if (not kind or row[1] == kind)
        and (not year or str(row[2]) == year)
        and (not result_language or row[3] == result_language)
    ]
    search.total = len(selected)
    start = (page - 1) * PER_PAGE
    chosen = [row[0] for row in selected[start:start + PER_PAGE]]
    entries = SearchEntry.objects.in_bulk(chosen)
    queries = {language: query}
    for entry_id in chosen:
        entry = entries[entry_id]
        entry_query = queries.setdefault(entry.language, parse_query(text, entry.language))
        search.results.append(_result(entry, entry_query))
    return search


def _matches(text, language):
    """Rows (id, kind, year, language, score): the page's language first, then English
    entries of items that have no text in the page's language."""
    backend = current()
    now = timezone.now()
    rows = list(backend.matches(parse_query(text, language), language, now))
    if language != settings.LANGUAGE_CODE:
        english = parse_query(text, settings.LANGUAGE_CODE)
        if not english.problem:
            rows += backend.matches(english, settings.LANGUAGE_CODE, now, exclude_language=language)
    return rows


def _counts(rows, column):
    counts = {}
    for row in rows:
        counts[row[column]] = counts.get(row[column], 0) + 1
    return sorted(counts.items(), key=lambda pair: (-pair[1], str(pair[0])))


def _result(entry, query):
    kind = registry.kind(entry.kind)
    return Result(
        entry=entry,
        kind_label=str(kind.label) if kind else entry.kind,
        title_html=highlight(entry.title, query, entry.language),
        snippet_html=snippet(entry.body, query, entry.language),
    )


def _matched_spans(text, query, language):
    wanted = set(query.stems(language))
    return [
        (token.start, token.end)
        for token in tokens(text, language)
        if any(stem(term, language) in wanted for term in token.terms)
    ]


def _marked(text, spans):
    parts, position = [], 0
    for start, end in _merged(spans):
        parts.append(html.escape(text[position:start]))
        parts.append(f"<mark>{html.escape(text[start:end])}</mark>")
        position = end
    parts.append(html.escape(text[position:]))
    return "".join(parts)


def _merged(spans):
    merged = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text, query, language):
    return mark_safe(_marked(text, _matched_spans(text, query, language)))


def snippet(text, query, language):
    """About SNIPPET_WORDS words of `text` around its densest run of matches, marked."""
    words = [(m.start(), m.end()) for m in _word_positions(text)]
    if not words:
        return ""
    spans = _matched_spans(text, query, language)
    best, best_count = 0, -1
    starts = [start for start, _end in spans]
    for index in range(0, max(1, len(words) - SNIPPET_WORDS + 1), 3):
        low, high = words[index][0], words[min(index + SNIPPET_WORDS, len(words)) - 1][1]
        count = sum(1 for start in starts if low <= start < high)
        if count > best_count:
            best, best_count = index, count
    low = words[best][0]
    high = words[min(best + SNIPPET_WORDS, len(words)) - 1][1]
    if language == "zh-hans" and high - low > 120:
        high = low + 120
    inside = [(max(s, low) - low, min(e, high) - low) for s, e in spans if e > low and s < high]
    marked = _marked(text[low:high], inside)
    return mark_safe(("… " if low > 0 else "") + marked + (" …" if high < len(text) else ""))


def _word_positions(text):
    return re.finditer(r"\S+", text)


def suggest(query, language):
    """A query with close, known words in place of unknown ones, if it finds something."""
    languages = [language, settings.LANGUAGE_CODE]
    changed, words = False, []
    for word in query.words:
        known = SearchWord.objects.filter(language__in=languages, word=word).exists()
        if not word.isalpha() or HAN.search(word) or len(word) < 4 or known:
            words.append(word)
            continue
        candidates = (
            SearchWord.objects.filter(language__in=languages, word__startswith=word[0])
            .annotate(length=Length("word"))
            .filter(length__gte=len(word) - 2, length__lte=len(word) + 2)
            .values_list("word", flat=True)[:5000]
        )
        close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.75)
        if close:
            words.append(close[0])
            changed = True
        else:
            words.append(word)
    if not changed:
        return ""
    suggestion = " ".join(words)
    return suggestion if _matches(suggestion, language) else ""
