"""The search index: one row per public item and language it has text in.

The rows hold what a result shows (title, plain text for the snippet, address, year) and
the text prepared for the backend (`indexed_title`, `indexed_body`, see search.text). The
full-text index itself lives beside the table, made by this app's migration for the
database in use: an FTS5 table `search_entry_fts` on SQLite, a `search_vector` tsvector
column with a GIN index on PostgreSQL (search.backends).
"""

from django.db import models


class SearchEntry(models.Model):
    kind = models.CharField(max_length=40)
    # The item's identity within its kind ("12"), shared by its languages.
    key = models.CharField(max_length=200)
    language = models.CharField(max_length=10)
    title = models.CharField(max_length=500)
    body = models.TextField()
    url = models.CharField(max_length=500)
    # e.g. a section's place in its report ("International AI Safety Report 2025 › 2.1").
    context = models.CharField(max_length=500, blank=True)
    year = models.PositiveIntegerField(null=True)
    # Visitors see it between these times (a scheduled item is indexed, not found early).
    visible_from = models.DateTimeField(null=True)
    visible_until = models.DateTimeField(null=True)
    indexed_title = models.TextField()
    indexed_body = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key", "language"], name="search_entry_item_language")
        ]
        indexes = [models.Index(fields=["language", "kind"])]

    def __str__(self):
        return f"{self.kind} {self.key} ({self.language}): {self.title}"


class SearchWord(models.Model):
    """Words found in indexed texts, for "did you mean" suggestions."""

    language = models.CharField(max_length=10)
    word = models.CharField(max_length=60)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["language", "word"], name="search_word_unique")]
        indexes = [models.Index(fields=["language", "word"])]

    def __str__(self):
        return f"{self.word} ({self.language})"
