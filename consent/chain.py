"""The tamper-evident log of consent records: appending, verifying and purging.

Every record's hash is an HMAC (key from CONSENT_HASH_KEY) over its fields and the previous
record's hash. Appends take a row lock on the single ChainHead row inside a transaction, so
they are serialised on PostgreSQL (SELECT ... FOR UPDATE) and on SQLite (where the settings
make every transaction BEGIN IMMEDIATE, i.e. one writer at a time).
"""

import dataclasses
import datetime
import hashlib
import hmac
import json

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from . import conf
from .models import ChainCheckpoint, ChainHead, ConsentRecord

GENESIS_HASH = "0" * 64


def derived_key(purpose):
    """A key for one use (chain, IP hashing), from CONSENT_HASH_KEY or else SECRET_KEY."""
    secret = conf.CONSENT_HASH_KEY or settings.SECRET_KEY
    return salted_hmac(f"consent.{purpose}", "key", secret=secret, algorithm="sha256").digest()


def _mac(payload):
    return hmac.new(derived_key("chain"), payload.encode(), hashlib.sha256).hexdigest()


def _timestamp(value):
    return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def record_hash(record, prev_hash):
    fields = {
        "sequence": record.sequence,
        "consent_id": str(record.consent_id),
        "created_at": _timestamp(record.created_at),
        "policy_version": record.policy_version,
        "choices": record.choices,
        "action": record.action,
        "gpc": record.gpc,
        "path": record.path,
        "user_agent": record.user_agent,
        "ip_hash": record.ip_hash,
        "texts_fingerprint": record.texts_fingerprint,
        "prev_hash": prev_hash,
    }
    # Records from before languages have none and keep the hash they were given; every
    # later record's language is covered by its hash.
    if record.language:
        fields["language"] = record.language
    return _mac(json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False))


def _checkpoint_signature(checkpoint):
    return _mac(
        f"checkpoint|{checkpoint.next_sequence}|{checkpoint.anchor_hash}|"
        f"{checkpoint.purged_count}|{_timestamp(checkpoint.cutoff)}"
    )


def _locked_head():
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        ChainHead.objects.get_or_create(pk=1, defaults={"last_hash": GENESIS_HASH})
        head = ChainHead.objects.select_for_update().get(pk=1)
    return head


def append(records):
    """Link unsaved records to the chain in the given order and save them, atomically."""
    with transaction.atomic():
        head = _locked_head()
        # Taken under the lock, so record time never goes backwards along the chain and
        # the oldest records are always a prefix of it (what purging relies on).
        now = timezone.now()
        for record in records:
            head.last_sequence += 1
            record.sequence = head.last_sequence
            record.created_at = record.created_at or now
            record.prev_hash = head.last_hash
            record.record_hash = record_hash(record, head.last_hash)
            head.last_hash = record.record_hash
        ConsentRecord.objects.bulk_create(records)
        head.save(update_fields=["last_sequence", "last_hash"])
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
    records = ConsentRecord.objects.order_by("sequence").filter(sequence__gte=1)
    for record in records.iterator(chunk_size=2000):
        if record.sequence < expected_sequence:
            return Verification(
                False, checked, f"record #{record.sequence} lies before the chain's start "
                f"(#{expected_sequence}): the checkpoint or the record was altered",
                record.sequence,
            )
        if record.sequence > expected_sequence:
            missing = expected_sequence if record.sequence == expected_sequence + 1 else None
            span = (
                f"record #{expected_sequence}" if missing
                else f"records #{expected_sequence} to #{record.sequence - 1}"
            )
            return Verification(False, checked, f"{span} removed", expected_sequence)
        if record.prev_hash != expected_prev:
            return Verification(
                False, checked, f"record #{record.sequence} was altered (its link to the "
                "previous record does not match)", record.sequence,
            )
        if not hmac.compare_digest(record.record_hash, record_hash(record, expected_prev)):
            return Verification(
                False, checked, f"record #{record.sequence} was altered", record.sequence
            )
        checked += 1
        expected_prev = record.record_hash
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
        _locked_head()  # no append may interleave with the purge
        doomed = ConsentRecord.objects.filter(created_at__lt=cutoff)
        count = doomed.count()
        if not count:
            return 0, None, None
        last = doomed.order_by("-sequence").only("sequence", "record_hash").first()
        first_sequence = doomed.order_by("sequence").values_list("sequence", flat=True)[0]
        if dry_run:
            return count, first_sequence, last.sequence
        # Later records never have earlier times (see append), so this is a prefix.
        count, _ = ConsentRecord.objects.filter(sequence__lte=last.sequence).delete()
        checkpoint = ChainCheckpoint(
            next_sequence=last.sequence + 1,
            anchor_hash=last.record_hash,
            purged_count=count,
            cutoff=cutoff,
        )
        checkpoint.signature = _checkpoint_signature(checkpoint)
        checkpoint.save()
    return count, first_sequence, last.sequence
