"""Consent records as CSV or JSON lines, streamed: memory stays flat whatever the count.

Rows are read as plain tuples in chunks (no model instances), so an export runs at the
speed of the database. CSV cells are made safe for spreadsheets (`spreadsheet_safe`): the
user agent and path come from the visitor, and a spreadsheet may split the file on another
separator than the comma (Excel with a French or German list separator splits on `;`).
"""

import csv
import json
import re

from .bulkread import StoredChoices, stored_rows, utc_time, uuid_text

FIELDS = [
    "sequence", "created_at", "consent_id", "policy_version", "action", "choices", "gpc",
    "path", "user_agent", "ip_hash", "texts_fingerprint", "language", "prev_hash", "record_hash",
]
CHUNK = 2000
# A spreadsheet reads a cell starting with one of these as a formula (or strips the
# character and then does): OWASP's list for CSV injection.
FORMULA_TRIGGERS = "=+-@\t\r"
# Where a spreadsheet may start a cell: the start of the text, or after any separator it
# may split on (`,` `;` tab `|`), whatever this file's own separator is. Spaces and quotes
# may come between (`x; "=1"` is a formula once split on `;`). And such a reader must never
# see a quote right after a separator (one in the text, or this file's own closing quote
# after a text that ends with a separator): it would open a quoted cell that runs on past
# the end of the row, into the next one.
# (The comma is this file's own separator: a reader splitting on it pairs the quotes.)
_TRIGGER = rf"[\s\"']*[{re.escape(FORMULA_TRIGGERS)}]"
_FORMULA_START = re.compile(
    rf"^(?={_TRIGGER}|\s*\")|(?<=,)(?={_TRIGGER})|(?<=[;\t|])(?={_TRIGGER}|\s*\"|\s*$)"
)
_SUSPECT = frozenset(FORMULA_TRIGGERS + "\n\"")
_SEPARATORS = frozenset(";\t|")
# The cells holding text (the others are numbers, or text this module formats: times and
# ids, which start with a digit or a letter and hold no separator).
TEXT_CELLS = [FIELDS.index(name) for name in (
    "action", "choices", "path", "user_agent", "ip_hash", "texts_fingerprint", "language",
    "prev_hash", "record_hash",
)]


def spreadsheet_safe(value):
    """The cell as text a spreadsheet shows as text, whichever separator it splits on.

    OWASP's advice: a single quote before anything a spreadsheet could read as a formula, at
    the cell's start and after every place where a spreadsheet might start a cell.
    """
    if not isinstance(value, str) or (
        _SUSPECT.isdisjoint(value) and value.rstrip()[-1:] not in _SEPARATORS
    ):
        return value  # nothing can become a formula (the common case)
    # A line break inside a cell starts a new row for a reader that splits on another
    # separator (its quotes no longer pair up): shown as the two characters \r or \n.
    value = value.replace("\r", "\\r").replace("\n", "\\n")
    return _FORMULA_START.sub("'", value)


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
    """The header, then one CSV line per record; every cell quoted (a separator inside a
    cell stays inside it) and every text cell spreadsheet-safe."""
    writer = csv.writer(_Line(), quoting=csv.QUOTE_ALL)
    yield writer.writerow(FIELDS)
    as_text = StoredChoices(lambda choices: json.dumps(choices, sort_keys=True))
    for row in _rows(queryset, as_text):
        cells = list(row)
        for index in TEXT_CELLS:
            cells[index] = spreadsheet_safe(cells[index])
        yield writer.writerow(cells)


def jsonl_lines(queryset):
    """One JSON object per line (for programs, not spreadsheets: values as stored)."""
    for row in _rows(queryset, StoredChoices(lambda choices: choices)):
        yield json.dumps(dict(zip(FIELDS, row, strict=True)), ensure_ascii=False,
                         sort_keys=True) + "\n"
