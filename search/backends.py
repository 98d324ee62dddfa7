"""Full-text search on the site's own database, behind one interface:

- SQLite (the embedded default): an FTS5 table over the entries' prepared text, kept in step
  by triggers; words are stemmed in Python (search.text) before they are stored and
  queried; ranked by BM25 with the title weighing ten times the body.
- PostgreSQL (scaled): a tsvector column per entry made with the language's own text search
  configuration (english, french, spanish, russian; simple for the Arabic and Chinese text
  prepared in Python), made by a trigger as each entry is written, and its GIN index;
  ranked by ts_rank with the title in weight A, on a small vector of the title and the
  start of the text (search/migrations/0003_rank_vector.py says why).

Both answer `matches(query, language, now)` with (entry id, kind, year, language, score)
rows, best first, at most MAX_MATCHES; everything else (fallback to English, filters,
counts, pages, snippets, suggestions) is shared (search.engine).
"""

from django.db import connection

from .text import PG_CONFIGS, index_terms

MAX_MATCHES = 2000

VISIBLE = (
    "(e.visible_from IS NULL OR e.visible_from <= %s) "
    "AND (e.visible_until IS NULL OR e.visible_until > %s)"
)
NOT_IN_LANGUAGE = (
    "NOT EXISTS (SELECT 1 FROM search_searchentry o "
    "WHERE o.kind = e.kind AND o.key = e.key AND o.language = %s)"
)


class Backend:
    stemmed = True

    def prepare(self, document):
        """(indexed_title, indexed_body) for a search.registry.Document."""
        return (
            " ".join(index_terms(document.title, document.language, self.stemmed)),
            " ".join(index_terms(f"{document.context}\n{document.body}", document.language, self.stemmed)),
        )

    def after_rebuild(self):
        """Every entry was written again (manage.py rebuild_search_index)."""

    def matches(self, query, language, now, exclude_language=None):
        raise NotImplementedError

    def _rows(self, sql, params):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()


class SQLiteBackend(Backend):
    stemmed = True

    def matches(self, query, language, now, exclude_language=None):
        terms = query.stems(language)
        # Each term a quoted FTS5 string (quotes doubled): nothing a visitor types is syntax.
        expression = " ".join('"' + term.replace('"', '""') + '"' for term in terms)
        where = [VISIBLE, "e.language = %s", "search_entry_fts MATCH %s"]
        params = [now, now, language, expression]
        if exclude_language:
            where.append(NOT_IN_LANGUAGE)
            params.append(exclude_language)
        sql = (
            "SELECT e.id, e.kind, e.year, e.language, -bm25(search_entry_fts, 10.0, 1.0) AS score "
            "FROM search_entry_fts JOIN search_searchentry e ON e.id = search_entry_fts.rowid "
            f"WHERE {' AND '.join(where)} ORDER BY score DESC, e.year DESC, e.id LIMIT {MAX_MATCHES}"
        )
        return self._rows(sql, params)


class PostgresBackend(Backend):
    stemmed = False

    def after_rebuild(self):
        # Fresh statistics for the planner after the whole table was written again.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_searchentry")

    def matches(self, query, language, now, exclude_language=None):
        where = [VISIBLE, "e.language = %s", "e.search_vector @@ q.query"]
        params = [config(language), " ".join(query.words), now, now, language]
        if exclude_language:
            where.append(NOT_IN_LANGUAGE)
            params.append(exclude_language)
        sql = (
            "SELECT e.id, e.kind, e.year, e.language, ts_rank(e.rank_vector, q.query) AS score "
            "FROM search_searchentry e, plainto_tsquery(%s::regconfig, %s) AS q(query) "
            f"WHERE {' AND '.join(where)} ORDER BY score DESC, e.year DESC, e.id LIMIT {MAX_MATCHES}"
        )
        return self._rows(sql, params)


def config(language):
    return PG_CONFIGS.get(language, "simple")


def current():
    return PostgresBackend() if connection.vendor == "postgresql" else SQLiteBackend()
