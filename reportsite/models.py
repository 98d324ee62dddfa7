"""What the site's machinery keeps in the database itself: shared by every worker and
server, and never evicted by page traffic (see reportsite.counters, reportsite.pagecache)."""

from django.db import models


class RateCounter(models.Model):
    """One fixed window of one rate limit: how many times `key` was counted in it.

    Written with one atomic upsert per count (reportsite.counters), so every Gunicorn
    worker on a server counts together; windows that ended are deleted now and then.
    """

    key = models.CharField(max_length=200, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.FloatField(db_index=True, help_text="Unix time the window ends.")

    class Meta:
        verbose_name = "rate-limit counter"

    def __str__(self):
        return f"{self.key}: {self.count}"


class ContentGeneration(models.Model):
    """The page cache's content generation, moved after every committed content change.

    The cache server (Redis) keeps a copy for speed; this row is the truth, so a Redis that
    is full, flushed or restarted from an old dump cannot keep serving older pages.
    """

    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "content generation"

    def __str__(self):
        return str(self.value)
