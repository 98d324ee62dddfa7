"""Reading many consent records fast and in constant memory (verify, export, summaries).

Rows come straight from the database driver, a chunk at a time, without model instances
or per-value ORM conversion: at a million records that conversion would cost more than the
work itself. The helpers below turn the few driver values that differ between databases
into one form.
"""

import datetime
import json
import uuid

from django.conf import settings
from django.db import connections


def stored_rows(queryset, fields, chunk=2000):
    """The rows of `queryset` as the database driver returns them, `chunk` at a time.

    No model instances and no ORM conversion per value (reading a million records costs
    what the hashing costs); a server-side cursor where the database has them, so memory
    stays flat. Callers convert the few values they need (see `uuid_text`, `utc_time`).
    """
    connection = connections[queryset.db]
    sql, params = queryset.values_list(*fields).query.sql_with_params()
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(chunk):
            yield from rows


def uuid_text(value):
    """A stored UUID as text: SQLite keeps 32 hex digits, other databases a UUID."""
    if isinstance(value, str) and len(value) == 32:
        return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
    return str(value if isinstance(value, uuid.UUID) else uuid.UUID(value))


def utc_time(value):
    """A stored time as an aware UTC datetime (SQLite returns naive UTC with USE_TZ)."""
    if value.tzinfo is None:
        # Naive values are UTC with USE_TZ, else local time (as `_timestamp` reads them).
        return value.replace(tzinfo=datetime.UTC) if settings.USE_TZ else value.astimezone(datetime.UTC)
    return value.astimezone(datetime.UTC)


class StoredChoices:
    """Stored choices to text with `convert` (given the dict). SQLite returns the JSON text,
    and the same few values repeat, so each is converted once (bounded: cleared when full);
    other databases return the dict itself."""

    LIMIT = 4096

    def __init__(self, convert):
        self.convert = convert
        self.cache = {}

    def __call__(self, stored):
        if not isinstance(stored, str):
            return self.convert(stored)
        text = self.cache.get(stored)
        if text is None:
            if len(self.cache) >= self.LIMIT:
                self.cache.clear()
            text = self.cache[stored] = self.convert(json.loads(stored))
        return text
