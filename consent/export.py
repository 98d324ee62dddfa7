"""Consent records as CSV or JSON lines, streamed: memory stays flat whatever the count."""

import csv
import json

FIELDS = [
    "sequence", "created_at", "consent_id", "policy_version", "action", "choices", "gpc",
    "path", "user_agent", "ip_hash", "texts_fingerprint", "language", "prev_hash", "record_hash",
]
CHUNK = 2000


def _row(record):
    return {
        "sequence": record.sequence,
        "created_at": record.created_at.isoformat(),
        "consent_id": str(record.consent_id),
        "policy_version": record.policy_version,
        "action": record.action,
        "choices": record.choices,
        "gpc": record.gpc,
        "path": record.path,
        "user_agent": record.user_agent,
        "ip_hash": record.ip_hash,
        "texts_fingerprint": record.texts_fingerprint,
        "language": record.language,
        "prev_hash": record.prev_hash,
        "record_hash": record.record_hash,
    }


class _Line:
    """A file-like object whose write returns the line, for csv.writer."""

    def write(self, value):
        return value


def csv_lines(queryset):
    writer = csv.writer(_Line())
    yield writer.writerow(FIELDS)
    for record in queryset.iterator(chunk_size=CHUNK):
        row = _row(record)
        row["choices"] = json.dumps(row["choices"], sort_keys=True)
        yield writer.writerow([row[field] for field in FIELDS])


def jsonl_lines(queryset):
    for record in queryset.iterator(chunk_size=CHUNK):
        yield json.dumps(_row(record), ensure_ascii=False, sort_keys=True) + "\n"
