"""Consent records as CSV or JSON lines, streamed: memory stays flat whatever the count.

Rows are read as plain tuples in chunks (no model instances), so an export runs at the
speed of the database. CSV cells are made safe for spreadsheets (`spreadsheet_safe`): the
user agent and path come from the visitor.
"""

import csv
import json

from .bulkread import StoredChoices, stored_rows, utc_time, uuid_text

FIELDS = [
    "sequence", "created_at", "consent_id", "policy_version", "action", "choices", "gpc",
    "path", "user_agent", "ip_hash", "texts_fingerprint", "language", "prev_hash", "record_hash",
]
CHUNK = 2000
# A spreadsheet reads a cell starting with one of these as a formula (or strips the
# character and then does): OWASP's list for CSV injection.
FORMULA_TRIGGERS = frozenset("=+-@\t\r")
# The cells holding stored text (the others are numbers, or text this module formats:
# times, ids, JSON), checked per row without a function call each.
STORED_TEXT = [FIELDS.index(name) for name in (
    "action", "path", "user_agent", "ip_hash", "texts_fingerprint", "language", "prev_hash",
    "record_hash",
)]


def spreadsheet_safe(value):
    """The cell as text a spreadsheet shows as text (OWASP: prefix a single quote)."""
    if isinstance(value, str) and value[:1] in FORMULA_TRIGGERS:
        return "'" + value
    return value


def _rows(queryset, choices):
    """Each record as a tuple in FIELDS order; `choices` converts the stored choices."""
    for row in stored_rows(queryset, FIELDS, CHUNK):
        (sequence, created_at, consent_id, policy_version, action, stored_choices, gpc, path,
         user_agent, ip_hash, texts_fingerprint, language, prev_hash, record_hash) = row
        yield (sequence, utc_time(created_at).isoformat(), uuid_text(consent_id),
               policy_version, action, choices(stored_choices), bool(gpc), path, user_agent,
               ip_hash, texts_fingerprint, language, prev_hash, record_hash)


class _Line:
    """A file-like object whose write returns the line, for csv.writer."""

    def write(self, value):
        return value


def csv_lines(queryset):
    """The header, then one CSV line per record; every text cell spreadsheet-safe."""
    writer = csv.writer(_Line())
    yield writer.writerow(FIELDS)
    as_text = StoredChoices(lambda choices: json.dumps(choices, sort_keys=True))
    for row in _rows(queryset, as_text):
        cells = list(row)
        for index in STORED_TEXT:
            if cells[index][:1] in FORMULA_TRIGGERS:
                cells[index] = spreadsheet_safe(cells[index])
        yield writer.writerow(cells)


def jsonl_lines(queryset):
    """One JSON object per line (for programs, not spreadsheets: values as stored)."""
    for row in _rows(queryset, StoredChoices(lambda choices: choices)):
        yield json.dumps(dict(zip(FIELDS, row, strict=True)), ensure_ascii=False,
                         sort_keys=True) + "\n"
