"""An operator verifies, exports and purges the consent records (the proof of consent)."""

import collections
import csv
import datetime
import io
import json
import random
import tracemalloc
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from consent import chain, conf, summary
from consent.models import ChainCheckpoint, ConsentDaySummary, ConsentRecord

pytestmark = pytest.mark.django_db


def make_records(count, start=None, step=datetime.timedelta(minutes=1)):
    """`count` chained records, oldest first, made `step` apart from `start`."""
    start = start or timezone.now() - count * step
    records = [
        ConsentRecord(
            consent_id=uuid.uuid4(),
            created_at=start + index * step,
            policy_version=1,
            choices={"functional": True, "embeds": index % 2 == 0, "analytics": index % 3 == 0},
            action="custom",
            path="/",
            user_agent="Mozilla/5.0 (test)",
            ip_hash="ab" * 32,
            texts_fingerprint="cd" * 32,
        )
        for index in range(count)
    ]
    return chain.append(records)


def verify_output():
    out = io.StringIO()
    call_command("verify_consent_records", stdout=out)
    return out.getvalue()


def test_an_untouched_log_verifies():
    make_records(25)
    assert "Consent records verified: 25 record(s), chain intact." in verify_output()


def test_an_empty_log_verifies():
    assert "0 record(s)" in verify_output()


@pytest.mark.parametrize(
    "field, value",
    [
        ("choices", {"functional": True, "embeds": True, "analytics": True}),
        ("action", "accept_all"),
        ("policy_version", 2),
        ("created_at", timezone.now() - datetime.timedelta(days=900)),
        ("consent_id", uuid.UUID(int=7)),
        ("gpc", True),
    ],
)
def test_altering_one_record_is_detected_and_named(field, value):
    make_records(10)
    ConsentRecord.objects.filter(sequence=6).update(**{field: value})
    with pytest.raises(CommandError, match=r"record #6 was altered"):
        call_command("verify_consent_records")


def test_altering_a_record_and_recomputing_a_plain_hash_is_still_detected():
    import hashlib

    make_records(10)
    record = ConsentRecord.objects.get(sequence=4)
    # Without the key, a forger cannot produce a hash the chain accepts.
    forged = hashlib.sha256(b"forged" + record.prev_hash.encode()).hexdigest()
    ConsentRecord.objects.filter(sequence=4).update(choices={"analytics": True}, record_hash=forged)
    result = chain.verify()
    assert not result.ok and result.sequence == 4


def test_deleting_a_record_from_the_middle_is_detected_and_named():
    make_records(10)
    ConsentRecord.objects.filter(sequence=5).delete()
    with pytest.raises(CommandError, match=r"record #5 removed"):
        call_command("verify_consent_records")


def test_deleting_the_newest_record_is_detected():
    make_records(10)
    ConsentRecord.objects.filter(sequence=10).delete()
    with pytest.raises(CommandError, match=r"record #10 removed \(the end of the log\)"):
        call_command("verify_consent_records")


def test_purging_the_oldest_records_leaves_a_verifiable_chain(settings):
    now = timezone.now()
    make_records(2000, start=now - datetime.timedelta(days=900), step=datetime.timedelta(minutes=1))
    make_records(1000, start=now - datetime.timedelta(days=10), step=datetime.timedelta(minutes=1))
    assert conf.CONSENT_RETENTION_DAYS == 365 + 365  # the default: a consent's lifetime + a year

    dry = io.StringIO()
    call_command("purge_consent_records", "--dry-run", stdout=dry)
    assert "Would remove 2000 consent record(s)" in dry.getvalue()
    assert ConsentRecord.objects.count() == 3000

    out = io.StringIO()
    call_command("purge_consent_records", stdout=out)
    assert "Removed 2000 consent record(s)" in out.getvalue()
    assert "(#1 to #2000); the chain now starts at #2001." in out.getvalue()
    assert ConsentRecord.objects.count() == 1000
    assert ChainCheckpoint.objects.get().next_sequence == 2001
    assert "1000 record(s), chain intact" in verify_output()

    # New decisions keep extending the purged chain.
    make_records(3)
    assert "1003 record(s), chain intact" in verify_output()
    again = io.StringIO()
    call_command("purge_consent_records", stdout=again)
    assert "nothing to remove" in again.getvalue()


def test_after_a_purge_removing_a_record_is_still_detected():
    now = timezone.now()
    make_records(50, start=now - datetime.timedelta(days=900))
    make_records(50, start=now - datetime.timedelta(days=1))
    call_command("purge_consent_records", "--older-than", "400", stdout=io.StringIO())
    ConsentRecord.objects.filter(sequence=51).delete()  # the first record kept
    with pytest.raises(CommandError, match=r"record #51 removed"):
        call_command("verify_consent_records")


def test_a_tampered_checkpoint_is_detected():
    now = timezone.now()
    make_records(20, start=now - datetime.timedelta(days=900))
    make_records(20, start=now - datetime.timedelta(days=1))
    call_command("purge_consent_records", "--older-than", "400", stdout=io.StringIO())
    # Hiding more records by moving the checkpoint forward breaks its signature.
    ChainCheckpoint.objects.update(next_sequence=25)
    ConsentRecord.objects.filter(sequence__lt=25).delete()
    with pytest.raises(CommandError, match="checkpoint was altered"):
        call_command("verify_consent_records")


def test_purge_refuses_a_negative_age():
    with pytest.raises(CommandError, match="--older-than must be a number of days"):
        call_command("purge_consent_records", "--older-than", "-1")


def test_export_writes_every_record_since_a_date_as_csv_and_jsonl(tmp_path):
    now = timezone.now()
    make_records(1500, start=now - datetime.timedelta(days=40), step=datetime.timedelta(seconds=1))
    make_records(1500, start=now - datetime.timedelta(days=5), step=datetime.timedelta(seconds=1))
    since = (now - datetime.timedelta(days=20)).date().isoformat()

    csv_file = tmp_path / "records.csv"
    err = io.StringIO()
    call_command("export_consent_records", "--since", since, "--format", "csv",
                 "--output", str(csv_file), stderr=err)
    rows = list(csv.DictReader(csv_file.open(encoding="utf-8")))
    assert len(rows) == 1500
    assert "Exported 1500 consent record(s)" in err.getvalue()
    assert [int(row["sequence"]) for row in rows] == list(range(1501, 3001))
    assert json.loads(rows[0]["choices"]) == {"functional": True, "embeds": True, "analytics": True}

    out = io.StringIO()
    call_command("export_consent_records", "--format", "jsonl", stdout=out, stderr=io.StringIO())
    lines = out.getvalue().splitlines()
    assert len(lines) == 3000
    first = json.loads(lines[0])
    assert first["sequence"] == 1 and first["record_hash"] == ConsentRecord.objects.get(
        sequence=1).record_hash


def _export_peak(tmp_path):
    tracemalloc.start()
    try:
        call_command("export_consent_records", "--format", "jsonl",
                     "--output", str(tmp_path / "peak.jsonl"), stderr=io.StringIO())
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_export_memory_does_not_grow_with_the_number_of_records(tmp_path):
    # Both sizes span several 2000-record chunks, so both reach the steady state.
    make_records(4500)
    small = _export_peak(tmp_path)
    make_records(9000)
    large = _export_peak(tmp_path)
    print(f"export peak memory: {small / 1e6:.2f} MB for 4500 records, "
          f"{large / 1e6:.2f} MB for 13500")
    # Three times as many records need no more memory (records stream in fixed chunks).
    assert large < small * 1.3, (small, large)
    assert sum(1 for _ in (tmp_path / "peak.jsonl").open()) == 13500


def test_the_hashed_text_is_canonical_json_whatever_the_visitor_sent():
    # The chain's payload is written out field by field for speed: it must stay exactly the
    # canonical JSON (sorted keys, compact, non-ASCII kept) that existing hashes cover.
    tricky = ['say "hi"\\', "caf\u00e9 \u2014 \U0001f36a", "tab\tnew\nline\x1f", "</script>", ""]
    for index, text in enumerate([*tricky, "nul\x00"]):
        record = ConsentRecord(
            sequence=index + 1, consent_id=uuid.uuid4(),
            created_at=timezone.now().replace(microsecond=0), policy_version=3,
            choices={"z": True, "a": False, text or "k": index % 2 == 0}, action="custom",
            gpc=index % 2 == 1, path=text, user_agent=text, ip_hash=text,
            texts_fingerprint=text, language="fr" if index % 2 else "",
        )
        fields = {
            "sequence": record.sequence, "consent_id": str(record.consent_id),
            "created_at": record.created_at.astimezone(datetime.UTC).isoformat(
                timespec="microseconds"),
            "policy_version": 3, "choices": record.choices, "action": "custom",
            "gpc": record.gpc, "path": text, "user_agent": text, "ip_hash": text,
            "texts_fingerprint": text, "prev_hash": "f" * 64,
        }
        if record.language:  # records from before languages have no "language" key
            fields["language"] = record.language
        canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert chain.record_hash(record, "f" * 64) == chain._mac(canonical)
    # And such records verify once stored (values read back from the database driver;
    # PostgreSQL refuses NUL in text, so that one is checked above only).
    records = make_records(3)
    ConsentRecord.objects.all().delete()
    for record, text in zip(records, tricky, strict=False):
        record.pk, record.user_agent, record.path, record.created_at = None, text, text, None
    chain.ChainHead.objects.all().delete()
    chain.append(records)
    assert "3 record(s), chain intact" in verify_output()


def test_the_csv_export_keeps_cells_from_becoming_formulas(tmp_path):
    attacks = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(1)", "\tx", "\rx"]
    records = make_records(len(attacks))
    for record, attack in zip(records, attacks, strict=True):
        ConsentRecord.objects.filter(pk=record.pk).update(user_agent=attack, path=attack)
    out = tmp_path / "records.csv"
    call_command("export_consent_records", "--output", str(out), stderr=io.StringIO())
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    # A line break shows as the two characters \r (it would start a row in a spreadsheet
    # splitting on another separator: test_privacy_officer_opens_exports_in_any_spreadsheet).
    shown = ["'" + attack.replace("\r", "\\r") for attack in attacks]
    shown[-1] = "\\rx"
    assert [row["user_agent"] for row in rows] == shown
    assert [row["path"] for row in rows] == shown
    assert all(not row["sequence"].startswith("'") for row in rows)
    # JSON lines are for programs: the values stay as stored.
    lines = io.StringIO()
    call_command("export_consent_records", "--format", "jsonl", stdout=lines, stderr=io.StringIO())
    assert [json.loads(line)["user_agent"] for line in lines.getvalue().splitlines()] == attacks


def weeks_from_the_records(language=None):
    """The overview's definition, computed from every record (what the summary must equal);
    records from before languages count as English."""
    last = {}
    for record in ConsentRecord.objects.order_by("sequence"):
        if language and (record.language or "en") != language:
            continue
        day = timezone.localtime(record.created_at).date()
        last[(day - datetime.timedelta(days=day.weekday()), record.consent_id)] = record.choices
    weeks = collections.defaultdict(lambda: [0, collections.Counter()])
    for (week, _), choices in last.items():
        weeks[week][0] += 1
        weeks[week][1].update(slug for slug, on in choices.items() if on)
    return {week: (visitors, dict(allowed)) for week, (visitors, allowed) in weeks.items()}


def weeks_from_the_summary(language=None):
    first = ConsentDaySummary.objects.order_by("day").values_list("day", flat=True).first()
    if first is None:
        return {}
    first -= datetime.timedelta(days=first.weekday())
    totals = summary.weekly_totals(first, 60, language)
    return {week: total for week, total in totals.items() if total[0]}


def test_the_overview_summary_stays_exact_for_bulk_appends_and_a_lock_awaited_from_last_week(
    monkeypatch,
):
    """An import appends many records at once (the same visitor several times, in several
    weeks); and a decision may wait for the chain head from Sunday into Monday, so that the
    week its summary read before the lock is not the week its record is timed in."""
    rng = random.Random(9)
    visitors = [uuid.uuid4() for _ in range(6)]
    moment = timezone.now() - datetime.timedelta(days=60)

    def made(created_at):
        return ConsentRecord(
            consent_id=rng.choice(visitors), created_at=created_at, policy_version=1,
            choices={"functional": True, "embeds": rng.random() < 0.5,
                     "analytics": rng.random() < 0.4},
            action="custom", texts_fingerprint="cd" * 32, language=rng.choice(["", "en", "fr"]),
        )

    records = []
    for _ in range(120):
        moment += datetime.timedelta(hours=rng.choice([1, 7, 23, 49]))
        records.append(made(moment))
    chain.append(records[:70])
    chain.append(records[70:])

    def exact():
        return all(weeks_from_the_summary(language) == weeks_from_the_records(language)
                   for language in (None, "en", "fr"))

    assert exact() and len(weeks_from_the_records()) >= 5

    class AwaitedFromLastWeek(summary.Appending):
        def __init__(self, records, expected):
            super().__init__(records, expected - datetime.timedelta(days=7))

    monkeypatch.setattr(chain.summary, "Appending", AwaitedFromLastWeek)
    for _ in range(12):  # timed under the lock: now, in this week
        chain.append([made(None)])
    assert exact()
    assert chain.verify().ok


@pytest.mark.parametrize("zone", ["UTC", "America/New_York"])
def test_the_overview_summary_stays_exact_through_decisions_and_purges(settings, zone):
    settings.TIME_ZONE = zone
    rng = random.Random(8)
    visitors = [uuid.uuid4() for _ in range(25)]
    moment = timezone.now() - datetime.timedelta(days=200)

    def decide(count):
        nonlocal moment
        for _ in range(count):
            moment += datetime.timedelta(hours=rng.choice([1, 7, 23, 49]))
            chain.append([ConsentRecord(
                consent_id=rng.choice(visitors), created_at=moment, policy_version=1,
                choices={"functional": True, "embeds": rng.random() < 0.5,
                         "analytics": rng.random() < 0.4},
                action="custom", texts_fingerprint="cd" * 32,
                language=rng.choice(["", "en", "fr"]),
            )])

    def exact():
        return all(weeks_from_the_summary(language) == weeks_from_the_records(language)
                   for language in (None, "en", "fr", "ar"))

    decide(250)
    assert exact()
    assert len(weeks_from_the_records()) > 10 and weeks_from_the_records("fr")
    # A purge whose cutoff falls inside a week (and a day) leaves the rest of it counted.
    middle = ConsentRecord.objects.order_by("sequence")[120].created_at
    chain.purge(middle + datetime.timedelta(minutes=1))
    assert exact()
    decide(40)
    assert exact()
    rows = ConsentDaySummary.objects.values_list("day", "language", "visitors", "allowed")
    incremental = list(rows)
    summary.rebuild()
    assert list(rows.all()) == incremental
