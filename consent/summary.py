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

from reportsite.sqlbatch import Statement

from .bulkread import StoredChoices, stored_rows, utc_time, uuid_text
from .models import ChainHead, ConsentDaySummary, ConsentRecord

WEEK = datetime.timedelta(days=7)
# Visitors whose earlier decisions one statement of an append reads (bulk appends: imports,
# tests; a decision is one).
READ_CHUNK = 500
ALL_LANGUAGES = ""


def local_day(moment):
    return timezone.localtime(moment).date()


def week_start(day):
    return day - datetime.timedelta(days=day.weekday())


def _midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _around_week(week):
    """The times a week's records lie in, with a day's margin either side (the week itself
    is decided on each record's local date)."""
    return (_midnight(week - datetime.timedelta(days=1)),
            _midnight(week + WEEK + datetime.timedelta(days=1)))


def _allowed(choices):
    return [slug for slug, on in choices.items() if on]


def _language(record_language):
    """A record's language scope: records from before languages were in the default one."""
    return record_language or settings.LANGUAGE_CODE


def _prepared(model, name, value, db):
    return model._meta.get_field(name).get_db_prep_value(value, db, prepared=False)


class Appending:
    """The summary's share of an append (`consent.chain.append`): the reads it sends with
    the chain head's lock, and the writes that count the records in, sent with the records.

    For each record, it reads the day rows of the record's week in its two scopes (all
    languages, and its own) and, for returning visitors (not `first_of_visitor`: a consent
    id made for this decision has no earlier one, the launch-day case), their decisions
    around that week, one statement for them all. A record's week is that of its time, or
    of `expected` for records timed under the lock: `writes` answers None when the lock was
    taken in another week (Monday's first moments); the reads are then made again, for it.
    """

    def __init__(self, records, expected):
        self.records = records
        self.db = connection
        self._plan([week_start(local_day(record.created_at or expected)) for record in records])

    def _plan(self, weeks):
        self.weeks = weeks
        self._returning = [
            (record, week) for record, week in zip(self.records, weeks, strict=True)
            if not getattr(record, "first_of_visitor", False)
        ]

    def reads(self):
        quote, db = self.db.ops.quote_name, self.db
        statements = []
        # The returning visitors' decisions, a week at a time, READ_CHUNK visitors a statement.
        visitors = collections.defaultdict(dict)
        for record, week in self._returning:
            visitors[week][str(record.consent_id)] = record.consent_id
        self._read_weeks = []
        for week, ids in visitors.items():
            ids = list(ids.values())
            for start in range(0, len(ids), READ_CHUNK):
                chunk = ids[start:start + READ_CHUNK]
                self._read_weeks.append(week)
                statements.append(Statement(
                    f"SELECT {quote('consent_id')}, {quote('created_at')}, {quote('choices')}, "
                    f"{quote('language')} FROM {quote(ConsentRecord._meta.db_table)} "
                    f"WHERE {quote('consent_id')} IN ({', '.join(['%s'] * len(chunk))}) "
                    f"AND {quote('created_at')} >= %s AND {quote('created_at')} < %s "
                    f"ORDER BY {quote('sequence')}",
                    (
                        *(_prepared(ConsentRecord, "consent_id", value, db) for value in chunk),
                        *(_prepared(ConsentRecord, "created_at", moment, db)
                          for moment in _around_week(week)),
                    ),
                    rows=True,
                ))
        scopes = collections.defaultdict(set)
        for record, week in zip(self.records, self.weeks, strict=True):
            scopes[week].update((ALL_LANGUAGES, _language(record.language)))
        where, params = [], []
        for week, languages in scopes.items():
            where.append(
                f"({quote('day')} >= %s AND {quote('day')} < %s "
                f"AND {quote('language')} IN ({', '.join(['%s'] * len(languages))}))"
            )
            params += [_prepared(ConsentDaySummary, "day", week, db),
                       _prepared(ConsentDaySummary, "day", week + WEEK, db), *sorted(languages)]
        statements.append(Statement(
            f"SELECT {quote('day')}, {quote('language')}, {quote('visitors')}, "
            f"{quote('allowed')} FROM {quote(ConsentDaySummary._meta.db_table)} WHERE "
            + " OR ".join(where),
            tuple(params),
            rows=True,
        ))
        return statements

    def writes(self, found):
        """The statements that count the (now linked and timed) records in, given what
        `reads` found; None if a record's week is not the one read."""
        weeks = [week_start(local_day(record.created_at)) for record in self.records]
        if weeks != self.weeks:
            self._plan(weeks)
            return None
        *earlier, day_rows = found
        # The visitor's latest decision of the week in each scope, before each record: from
        # the database, then from the records of this append as they are counted.
        latest = {}
        for week, rows in zip(self._read_weeks, earlier, strict=True):
            for consent_id, created_at, choices, language in rows:
                day = local_day(utc_time(created_at))
                if week_start(day) == week:
                    decision = (day, json.loads(choices) if isinstance(choices, str) else choices)
                    visitor = uuid_text(consent_id)
                    latest[(ALL_LANGUAGES, visitor, week)] = decision
                    latest[(_language(language), visitor, week)] = decision
        changes = collections.defaultdict(lambda: [0, collections.Counter()])
        for record in self.records:
            day = local_day(record.created_at)
            for language in (ALL_LANGUAGES, _language(record.language)):
                key = (language, str(record.consent_id), week_start(day))
                if previous := latest.get(key):
                    before_day, before_choices = previous
                    changes[(before_day, language)][0] -= 1
                    changes[(before_day, language)][1].subtract(_allowed(before_choices))
                changes[(day, language)][0] += 1
                changes[(day, language)][1].update(_allowed(record.choices))
                latest[key] = (day, record.choices)
        stored = {
            (day if isinstance(day, datetime.date) else datetime.date.fromisoformat(day),
             language): (visitors, allowed)
            for day, language, visitors, allowed in day_rows
        }
        return self._day_writes(changes, stored)

    def _day_writes(self, changes, stored):
        """Add {(day, language): [visitors, allowed counts]} to the day rows: one UPDATE of
        the rows that stay, an INSERT or DELETE for a row that starts or ends."""
        quote, db = self.db.ops.quote_name, self.db
        table = quote(ConsentDaySummary._meta.db_table)
        where = f"{quote('day')} = %s AND {quote('language')} = %s"
        updates, statements = [], []
        for (day, language), (visitors, allowed) in changes.items():
            key = (_prepared(ConsentDaySummary, "day", day, db), language)
            row = stored.get((day, language))
            counts = collections.Counter()
            if row:
                visitors += row[0]
                counts.update(json.loads(row[1]) if isinstance(row[1], str) else row[1])
            counts.update(allowed)
            value = _prepared(ConsentDaySummary, "allowed",
                              {slug: count for slug, count in sorted(counts.items()) if count}, db)
            if row and not visitors:
                statements.append(Statement(f"DELETE FROM {table} WHERE {where}", key))
            elif row:
                updates.append((key, visitors, value))
            elif visitors:
                statements.append(Statement(
                    f"INSERT INTO {table} ({quote('day')}, {quote('language')}, "
                    f"{quote('visitors')}, {quote('allowed')}) VALUES (%s, %s, %s, %s)",
                    (*key, visitors, value),
                ))
        if updates:
            # One statement for every row (a decision changes two: all languages and its own).
            cases = " ".join([f"WHEN {where} THEN %s"] * len(updates))
            statements.append(Statement(
                f"UPDATE {table} SET {quote('visitors')} = CASE {cases} END, "
                f"{quote('allowed')} = CASE {cases} END WHERE "
                + " OR ".join([f"({where})"] * len(updates)),
                tuple([value for key, visitors, _ in updates for value in (*key, visitors)]
                      + [value for key, _, allowed in updates for value in (*key, allowed)]
                      + [value for key, _, _ in updates for value in key]),
            ))
        return statements


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
            created_at__gte=_around_week(week)[0],
            created_at__lt=_around_week(week)[1],
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
