"""An exact per-day summary of the consent log, so the weekly overview never reads records.

The overview counts each visitor (consent id) once per week (Monday to Sunday, in the
site's time zone), with their last decision of that week: among all their records, or
among those made in one language. A day's `ConsentDaySummary` row counts the visitors whose
last decision of the week (in its scope: all languages, or one) was made that day, and how
many of them allowed each purpose; a week is the sum of its 7 rows. An append
(`consent.chain.append`) moves the visitor from the day of their previous decision that
week to the new one; a purge recomputes the weeks it touched from the records left. Both
happen in the transaction that writes or deletes the records, under the chain head's lock,
so the summary is always exact.

`rebuild` recomputes it from the records (the migration that adds it uses it; so does a
change of TIME_ZONE or LANGUAGE_CODE: `manage.py verify_consent_records --rebuild-summary`).
"""

import collections
import datetime
import json

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from .bulkread import StoredChoices, stored_rows, utc_time
from .models import ChainHead, ConsentDaySummary, ConsentRecord

WEEK = datetime.timedelta(days=7)
ALL_LANGUAGES = ""


def local_day(moment):
    return timezone.localtime(moment).date()


def week_start(day):
    return day - datetime.timedelta(days=day.weekday())


def _midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _allowed(choices):
    return [slug for slug, on in choices.items() if on]


def _language(record_language):
    """A record's language scope: records from before languages were in the default one."""
    return record_language or settings.LANGUAGE_CODE


def _prepared(model, name, value, db):
    return model._meta.get_field(name).get_db_prep_value(value, db, prepared=False)


def _previous_in_week(cursor, record, week, language):
    """(day, choices) of the visitor's last earlier decision in `week` (in `language`,
    unless ALL_LANGUAGES), or None."""
    db, quote = cursor.db, cursor.db.ops.quote_name
    params = [
        _prepared(ConsentRecord, "consent_id", record.consent_id, db),
        record.sequence,
        # A day's margin either side: the week is decided on the local date below.
        _prepared(ConsentRecord, "created_at", _midnight(week - datetime.timedelta(days=1)), db),
        _prepared(ConsentRecord, "created_at", _midnight(week + WEEK + datetime.timedelta(days=1)),
                  db),
    ]
    in_language = ""
    if language != ALL_LANGUAGES:
        same = ["", language] if language == settings.LANGUAGE_CODE else [language]
        in_language = f"AND {quote('language')} IN ({', '.join(['%s'] * len(same))}) "
        params.extend(same)
    cursor.execute(
        f"SELECT {quote('created_at')}, {quote('choices')} "
        f"FROM {quote(ConsentRecord._meta.db_table)} WHERE {quote('consent_id')} = %s "
        f"AND {quote('sequence')} < %s AND {quote('created_at')} >= %s "
        f"AND {quote('created_at')} < %s {in_language}ORDER BY {quote('sequence')} DESC",
        params,
    )
    for created_at, choices in cursor.fetchall():
        day = local_day(utc_time(created_at))
        if week_start(day) == week:
            return day, json.loads(choices) if isinstance(choices, str) else choices
    return None


def record_appended(records):
    """Count records just saved by an append (same transaction, chain head locked).

    Plain SQL on a few indexed rows: this runs inside every consent decision's write lock.
    """
    changes = collections.defaultdict(lambda: [0, collections.Counter()])
    with connection.cursor() as cursor:
        for record in records:
            day = local_day(record.created_at)
            for language in (ALL_LANGUAGES, _language(record.language)):
                # A visitor's first decision (a consent id made for it) has no earlier one:
                # the launch-day case, spared two queries under the lock.
                previous = None if getattr(record, "first_of_visitor", False) else (
                    _previous_in_week(cursor, record, week_start(day), language)
                )
                if previous:
                    before_day, before_choices = previous
                    changes[(before_day, language)][0] -= 1
                    changes[(before_day, language)][1].subtract(_allowed(before_choices))
                changes[(day, language)][0] += 1
                changes[(day, language)][1].update(_allowed(record.choices))
        _add_to_days(cursor, changes)


def _add_to_days(cursor, changes):
    """Add {(day, language): [visitors, allowed counts]} to the day rows: one SELECT of the
    rows, one UPDATE of those that stay, an INSERT or DELETE for a row that starts or ends."""
    quote = cursor.db.ops.quote_name
    table = quote(ConsentDaySummary._meta.db_table)
    day_column, language_column = quote("day"), quote("language")
    where = f"{day_column} = %s AND {language_column} = %s"
    keys = {
        (_prepared(ConsentDaySummary, "day", day, cursor.db), language): (day, language)
        for day, language in changes
    }
    cursor.execute(
        f"SELECT {day_column}, {language_column}, {quote('visitors')}, {quote('allowed')} "
        f"FROM {table} WHERE "
        + " OR ".join([f"({where})"] * len(keys)),
        [value for key in keys for value in key],
    )
    stored = {(day if isinstance(day, datetime.date) else datetime.date.fromisoformat(day),
               language): (visitors, allowed)
              for day, language, visitors, allowed in cursor.fetchall()}
    updates, inserts, deletes = [], [], []
    for key, (day, language) in keys.items():
        visitors, allowed = changes[(day, language)]
        row = stored.get((day, language))
        counts = collections.Counter()
        if row:
            visitors += row[0]
            counts.update(json.loads(row[1]) if isinstance(row[1], str) else row[1])
        counts.update(allowed)
        value = _prepared(ConsentDaySummary, "allowed",
                          {slug: count for slug, count in sorted(counts.items()) if count},
                          cursor.db)
        if row and not visitors:
            deletes.append(key)
        elif row:
            updates.append((key, visitors, value))
        elif visitors:
            inserts.append([*key, visitors, value])
    if updates:
        # One statement for every row (a decision changes two: all languages and its own).
        cases = " ".join([f"WHEN {where} THEN %s"] * len(updates))
        cursor.execute(
            f"UPDATE {table} SET {quote('visitors')} = CASE {cases} END, "
            f"{quote('allowed')} = CASE {cases} END WHERE "
            + " OR ".join([f"({where})"] * len(updates)),
            [value for key, visitors, _ in updates for value in (*key, visitors)]
            + [value for key, _, allowed in updates for value in (*key, allowed)]
            + [value for key, _, _ in updates for value in key],
        )
    for row in inserts:
        cursor.execute(
            f"INSERT INTO {table} ({day_column}, {language_column}, {quote('visitors')}, "
            f"{quote('allowed')}) VALUES (%s, %s, %s, %s)",
            row,
        )
    for key in deletes:
        cursor.execute(f"DELETE FROM {table} WHERE {where}", key)


def rebuild(first_day=None, last_day=None, record_model=None, summary_model=None):
    """Recompute the rows of every week from `first_day` to `last_day` (default: all).

    Reads one week of records at a time, so memory follows a week's visitors, not the log.
    The models can be given (a migration passes its historical ones).
    """
    records = record_model or ConsentRecord
    summaries = summary_model or ConsentDaySummary
    with transaction.atomic():
        if record_model is None:
            # Appends wait (they lock the chain head too), so none is counted twice or lost.
            ChainHead.objects.lock()
        if first_day is None or last_day is None:
            span = records.objects.aggregate(first=Min("created_at"), last=Max("created_at"))
            summaries.objects.all().delete()
            if span["first"] is None:
                return
            first_day, last_day = local_day(span["first"]), local_day(span["last"])
        week = week_start(first_day)
        while week <= last_day:
            _rebuild_week(week, records, summaries)
            week += WEEK


def _rebuild_week(week, records, summaries):
    summaries.objects.filter(day__gte=week, day__lt=week + WEEK).delete()
    rows = stored_rows(
        records.objects.filter(
            created_at__gte=_midnight(week - datetime.timedelta(days=1)),
            created_at__lt=_midnight(week + WEEK + datetime.timedelta(days=1)),
        ).order_by("sequence"),
        ["created_at", "consent_id", "choices", "language"],
    )
    allowed_of = StoredChoices(_allowed)
    last = {}
    for created_at, consent_id, choices, language in rows:
        day = local_day(utc_time(created_at))
        if week_start(day) == week:
            decision = (day, allowed_of(choices))
            last[(ALL_LANGUAGES, consent_id)] = decision
            last[(_language(language), consent_id)] = decision
    days = collections.defaultdict(lambda: [0, collections.Counter()])
    for (language, _), (day, allowed) in last.items():
        days[(day, language)][0] += 1
        days[(day, language)][1].update(allowed)
    summaries.objects.bulk_create(
        summaries(day=day, language=language, visitors=visitors,
                  allowed=dict(sorted(allowed.items())))
        for (day, language), (visitors, allowed) in days.items()
    )


def weekly_totals(first_week, weeks, language=None):
    """{week start: (visitors, {slug: allowed})} for `weeks` weeks from `first_week`, of
    every visitor or of those asked in `language`."""
    totals = {first_week + index * WEEK: [0, collections.Counter()] for index in range(weeks)}
    rows = ConsentDaySummary.objects.filter(
        day__gte=first_week, day__lt=first_week + weeks * WEEK,
        language=language or ALL_LANGUAGES,
    )
    for day, visitors, allowed in rows.values_list("day", "visitors", "allowed"):
        total = totals[week_start(day)]
        total[0] += visitors
        total[1].update(allowed)
    return {week: (visitors, dict(allowed)) for week, (visitors, allowed) in totals.items()}
