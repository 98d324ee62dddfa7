"""Words of a text or a query, per language, as both search backends index them.

- English, French, Spanish, Russian: lower-cased words; for SQLite reduced to their
  Snowball stem here (PostgreSQL's configuration of the same name stems them itself with
  the same Snowball algorithms), so "élections" finds "électorale"'s stem "élector"...
- Arabic: normalised here for both backends: diacritics (tashkeel) and tatweel removed,
  alef forms unified, and the article ال (with a leading و ف ب ك ل) stripped, so "الذكاء"
  and "ذكاء" match.
- Chinese: runs of Han characters become overlapping character pairs ("人工智能" ->
  "人工 工智 智能"), a lone character stays itself; so a two-character word matches wherever
  it occurs, on both backends.
Stop words (Snowball's lists, which PostgreSQL's configurations use) are dropped from
queries on both backends.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import snowballstemmer

STOPWORDS_DIR = Path(__file__).resolve().parent / "stopwords"
SNOWBALL = {"en": "english", "fr": "french", "es": "spanish", "ru": "russian"}
# PostgreSQL text search configuration per language (the text handed to it is prepared
# here for Arabic and Chinese, which it has no configuration for that does this).
PG_CONFIGS = {"en": "english", "fr": "french", "es": "spanish", "ru": "russian", "ar": "simple", "zh-hans": "simple"}

# Words, with the Arabic vowel marks inside them (not word characters to Python's \w).
WORD = re.compile(r"[\w\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]+", re.UNICODE)
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
ARABIC_MARKS = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
ARABIC_ARTICLE = re.compile(r"^(?:[وفبكل]?ال|لل)(?=..)")
ALEFS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})


@dataclass(frozen=True)
class Token:
    """A word of a text: where it is, as written, and the term(s) it is indexed as."""

    start: int
    end: int
    terms: tuple


@lru_cache(maxsize=8)
def stop_words(language):
    name = {"ar": "arabic", **SNOWBALL}.get(language)
    if name is None:
        return frozenset()
    words = (STOPWORDS_DIR / f"{name}.stop").read_text(encoding="utf-8").split()
    if language == "ar":
        return frozenset(normalise_arabic(word) for word in words)
    return frozenset(words)


@lru_cache(maxsize=8)
def _stemmer(language):
    return snowballstemmer.stemmer(SNOWBALL[language])


def normalise_arabic(word):
    word = ARABIC_MARKS.sub("", word).translate(ALEFS)
    return ARABIC_ARTICLE.sub("", word)


def clean(text):
    """Text without control characters, lone surrogates or replacement characters."""
    return "".join(
        " " if unicodedata.category(c) in ("Cc", "Cs", "Co") or c == "\ufffd" else c
        for c in text
    )


def tokens(text, language):
    """The text's words with their positions and index terms (before stop words)."""
    for match in WORD.finditer(text):
        word = match.group().lower()
        start = match.start()
        han = list(HAN.finditer(word))
        if han:
            # Han characters as overlapping pairs; other letters in the run as one word.
            for run in han:
                characters = run.group()
                if len(characters) == 1:
                    yield Token(start + run.start(), start + run.end(), (characters,))
                for i in range(len(characters) - 1):
                    yield Token(start + run.start() + i, start + run.start() + i + 2, (characters[i:i + 2],))
            rest = HAN.sub(" ", word).split()
            for part in rest:
                yield Token(start, match.end(), (part,))
            continue
        if language == "ar" or "\u0600" <= word[:1] <= "\u06ff":
            word = normalise_arabic(word)
        yield Token(start, match.end(), (word,))


def is_stop_word(term, language):
    return term in stop_words(language)


@lru_cache(maxsize=100_000)
def stem(term, language):
    # Cached: words repeat (a text's common words most of all), and stemming costs.
    if language in SNOWBALL and not HAN.match(term):
        return _stemmer(language).stemWord(term)
    return term


def index_terms(text, language, stemmed):
    """The terms the index holds for `text`: stemmed (SQLite), or the words as PostgreSQL
    reads them (its configuration stems and drops stop words itself)."""
    terms = []
    for token in tokens(text, language):
        for term in token.terms:
            if stemmed:
                if is_stop_word(term, language):
                    continue
                term = stem(term, language)
            terms.append(term)
    return terms


@dataclass(frozen=True)
class Query:
    """A visitor's query in one language: its words (stop words out) and why it is empty."""

    words: tuple  # index terms before stemming, in order, no duplicates
    problem: str  # "", "empty", "stop-words", "punctuation"

    def stems(self, language):
        return tuple(dict.fromkeys(stem(word, language) for word in self.words))


MAX_TERMS = 16


def parse_query(text, language):
    text = clean(text).strip()
    if not text:
        return Query((), "empty")
    words = [term for token in tokens(text, language) for term in token.terms]
    if not words:
        return Query((), "punctuation")
    kept = [word for word in words if not is_stop_word(word, language)]
    if not kept:
        return Query((), "stop-words")
    return Query(tuple(dict.fromkeys(kept))[:MAX_TERMS], "")
