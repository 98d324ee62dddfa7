"""The tamper-evident log of consent records: appending, verifying and purging.

Every record's hash is an HMAC (key from CONSENT_HASH_KEY) over its fields and the previous
record's hash. Appends take a row lock on the single ChainHead row inside a transaction, so
they are serialised on PostgreSQL (SELECT ... FOR UPDATE) and on SQLite (where the settings
make every transaction BEGIN IMMEDIATE, i.e. one writer at a time).
"""

import dataclasses
import datetime
import functools
import hmac
import json

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.crypto import salted_hmac

from reportsite.sqlbatch import Transaction

from . import conf, summary
from .bulkread import StoredChoices, stored_rows, utc_time, uuid_text
from .models import GENESIS_HASH, ChainCheckpoint, ChainHead, ConsentRecord

# The stored fields a record's hash covers, in the order `verify` reads them.
HASHED_FIELDS = [
    "sequence", "consent_id", "created_at", "policy_version", "choices", "action", "gpc",
    "path", "user_agent", "ip_hash", "texts_fingerprint", "prev_hash", "language",
]
VERIFY_CHUNK = 2000


def derived_key(purpose):
    """A key for one use (chain, IP hashing), from CONSENT_HASH_KEY or else SECRET_KEY."""
    return _derive(purpose, conf.CONSENT_HASH_KEY or settings.SECRET_KEY)


@functools.lru_cache(maxsize=8)
def _derive(purpose, secret):
    # Cached: verifying a million records must not derive the key a million times.
    return salted_hmac(f"consent.{purpose}", "key", secret=secret, algorithm="sha256").digest()


def _mac(payload):
    return hmac.digest(derived_key("chain"), payload.encode(), "sha256").hex()


def _timestamp(value):
    return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")


# What json.dumps(..., ensure_ascii=False) writes for a string, quotes included.
_json_text = json.encoder.encode_basestring
# The canonical payload: the JSON object of the hashed fields with sorted keys, compact
# separators and non-ASCII kept, i.e. exactly json.dumps(fields, sort_keys=True,
# separators=(",", ":"), ensure_ascii=False); written out field by field because verifying
# runs it a million times (tests/test_operator_checks_consent_records.py holds the two equal).
# Records from before languages have none and keep the hash they were given (no
# "language" key); every later record's language is covered by its hash.
_PAYLOAD = (
    '{"action":%s,"choices":%s,"consent_id":"%s","created_at":"%s","gpc":%s,"ip_hash":%s,'
    '"path":%s,"policy_version":%d,"prev_hash":%s,"sequence":%d,"texts_fingerprint":%s,'
    '"user_agent":%s}'
)
_PAYLOAD_WITH_LANGUAGE = _PAYLOAD.replace('"path":', '"language":%s,"path":')


def choices_json(choices):
    """The choices as canonical JSON (sorted keys, compact)."""
    return json.dumps(choices, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _payload(sequence, consent_id, created_at, policy_version, choices, action, gpc, path,
             user_agent, ip_hash, texts_fingerprint, prev_hash, language=""):
    """The text a record's hash covers; `created_at` and `choices` already canonical text."""
    if language:
        return _PAYLOAD_WITH_LANGUAGE % (
            _json_text(action), choices, consent_id, created_at, "true" if gpc else "false",
            _json_text(ip_hash), _json_text(language), _json_text(path), policy_version,
            _json_text(prev_hash), sequence, _json_text(texts_fingerprint),
            _json_text(user_agent),
        )
    return _PAYLOAD % (
        _json_text(action), choices, consent_id, created_at, "true" if gpc else "false",
        _json_text(ip_hash), _json_text(path), policy_version, _json_text(prev_hash), sequence,
        _json_text(texts_fingerprint), _json_text(user_agent),
    )


def record_hash(record, prev_hash):
    return _mac(_payload(
        record.sequence, str(record.consent_id), _timestamp(record.created_at),
        record.policy_version, choices_json(record.choices), record.action, record.gpc,
        record.path, record.user_agent, record.ip_hash, record.texts_fingerprint, prev_hash,
        record.language,
    ))


def _checkpoint_signature(checkpoint):
    return _mac(
        f"checkpoint|{checkpoint.next_sequence}|{checkpoint.anchor_hash}|"
        f"{checkpoint.purged_count}|{_timestamp(checkpoint.cutoff)}"
    )


def append(records, first=()):
    """Link unsaved records to the chain in the given order and save them, atomically;
    `first`: statements of the same transaction to run before (the texts they name).

    Two groups of statements (`reportsite.sqlbatch`; on PostgreSQL, two round trips): the
    lock on the chain head with what the day summaries need to read, then, once the
    records are linked here, their INSERT, the head's UPDATE and the summaries' writes with
    the COMMIT. The head stays locked from the first group to the end of the second: the
    time it is held bounds how many decisions per second the chain takes. Inside a caller's
    transaction the statements join it, one by one and without a savepoint.
    """
    if not records:
        return records
    counting = summary.Appending(records, timezone.now())
    with Transaction() as writing:
        head, *found = writing.run(
            [*first, ChainHead.objects.lock_statement(), *counting.reads()]
        )
        if not head:  # the chain's first record
            head, *found = writing.run(
                [ChainHead.objects.create_statement(), ChainHead.objects.lock_statement(),
                 *counting.reads()]
            )
        (last_sequence, last_hash), = head
        # Taken under the lock, so record time never goes backwards along the chain and
        # the oldest records are always a prefix of it (what purging relies on).
        now = timezone.now()
        for record in records:
            last_sequence += 1
            record.sequence = last_sequence
            record.created_at = record.created_at or now
            record.prev_hash = last_hash
            record.record_hash = last_hash = record_hash(record, last_hash)
        writes = counting.writes(found)
        if writes is None:  # the week turned while the lock was awaited
            writes = counting.writes(writing.run(counting.reads()))
        insert = ConsentRecord.objects.insert_linked(records)
        keys = writing.finish([
            insert, ChainHead.objects.move_to(last_sequence, last_hash), *writes,
        ])
    if insert.rows:
        ConsentRecord.objects.took_keys(records, keys[0])
    return records


@dataclasses.dataclass
class Verification:
    ok: bool
    checked: int
    problem: str = ""
    sequence: int | None = None


def verify():
    """Walk the chain from its start (genesis or the latest checkpoint) to the head."""
    checkpoint = ChainCheckpoint.objects.first()
    if checkpoint is None:
        expected_sequence, expected_prev = 1, GENESIS_HASH
    else:
        if not hmac.compare_digest(checkpoint.signature, _checkpoint_signature(checkpoint)):
            return Verification(False, 0, "the purge checkpoint was altered", None)
        expected_sequence, expected_prev = checkpoint.next_sequence, checkpoint.anchor_hash
    checked = 0
    key = derived_key("chain")
    canonical_choices = StoredChoices(choices_json)
    records = ConsentRecord.objects.order_by("sequence").filter(sequence__gte=1)
    # Tuples from the driver, not model instances: the hashing is the work, not the ORM.
    for row in stored_rows(records, [*HASHED_FIELDS, "record_hash"], VERIFY_CHUNK):
        (sequence, consent_id, created_at, policy_version, choices, action, gpc, path,
         user_agent, ip_hash, texts_fingerprint, prev_hash, language, stored_hash) = row
        if sequence < expected_sequence:
            return Verification(
                False, checked, f"record #{sequence} lies before the chain's start "
                f"(#{expected_sequence}): the checkpoint or the record was altered",
                sequence,
            )
        if sequence > expected_sequence:
            missing = expected_sequence if sequence == expected_sequence + 1 else None
            span = (
                f"record #{expected_sequence}" if missing
                else f"records #{expected_sequence} to #{sequence - 1}"
            )
            return Verification(False, checked, f"{span} removed", expected_sequence)
        if prev_hash != expected_prev:
            return Verification(
                False, checked, f"record #{sequence} was altered (its link to the "
                "previous record does not match)", sequence,
            )
        payload = _payload(
            sequence, uuid_text(consent_id), utc_time(created_at).isoformat(timespec="microseconds"),
            policy_version, canonical_choices(choices), action, gpc, path, user_agent, ip_hash,
            texts_fingerprint, prev_hash, language,
        )
        if not hmac.compare_digest(stored_hash, hmac.digest(key, payload.encode(), "sha256").hex()):
            return Verification(False, checked, f"record #{sequence} was altered", sequence)
        checked += 1
        expected_prev = stored_hash
        expected_sequence += 1
    head = ChainHead.objects.filter(pk=1).first()
    last_sequence = head.last_sequence if head else 0
    if last_sequence >= expected_sequence:
        span = (
            f"record #{last_sequence}" if last_sequence == expected_sequence
            else f"records #{expected_sequence} to #{last_sequence}"
        )
        return Verification(False, checked, f"{span} removed (the end of the log)",
                            expected_sequence)
    if head and checked and head.last_hash != expected_prev:
        return Verification(False, checked, "the chain head does not match the last record",
                            last_sequence)
    return Verification(True, checked)


def purge(cutoff, dry_run=False):
    """Remove records made before `cutoff` (always the oldest: a prefix of the chain).

    Returns (count, first_sequence, last_sequence) of what was (or would be) removed.
    """
    with transaction.atomic():
        ChainHead.objects.lock()  # no append may interleave with the purge
        doomed = ConsentRecord.objects.filter(created_at__lt=cutoff)
        count = doomed.count()
        if not count:
            return 0, None, None
        last = doomed.order_by("-sequence").only("sequence", "record_hash").first()
        first_sequence = doomed.order_by("sequence").values_list("sequence", flat=True)[0]
        if dry_run:
            return count, first_sequence, last.sequence
        # Later records never have earlier times (see append), so this is a prefix.
        removed = ConsentRecord.objects.filter(sequence__lte=last.sequence)
        span = removed.aggregate(first=Min("created_at"), last=Max("created_at"))
        count, _ = removed.delete()
        summary.rebuild(summary.local_day(span["first"]), summary.local_day(span["last"]))
        checkpoint = ChainCheckpoint(
            next_sequence=last.sequence + 1,
            anchor_hash=last.record_hash,
            purged_count=count,
            cutoff=cutoff,
        )
        checkpoint.signature = _checkpoint_signature(checkpoint)
        checkpoint.save()
    return count, first_sequence, last.sequence
