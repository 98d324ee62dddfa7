"""What visitors are asked (purposes, cookie-policy versions) and the proof of what they chose.

Consent records form a hash chain: each record's hash covers its own fields and the hash of
the record before it, keyed with CONSENT_HASH_KEY, so altering or removing a record breaks
the chain at that point (see `consent.chain`). Records are never updated; the retention
purge removes only the oldest ones and leaves a checkpoint where the remaining chain starts.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from reportsite.sqlbatch import Statement
from reportsite.translated_content import column


class SitePurpose(models.TextChoices):
    """The purposes the site's own code acts on, by the key records store (their slug).

    Their rules are fixed here, whatever is edited in the admin: functional is always on;
    analytics and embedded content are never required, so a decline or a Global Privacy
    Control signal always refuses them and their code is never loaded without consent.
    Database constraints hold the rules too, so a purpose deleted and added again with the
    same slug gets the same rules. Privacy officers word them, order them, or retire them.
    """

    FUNCTIONAL = "functional", "Functional"
    EMBEDS = "embeds", "Embedded external content"
    ANALYTICS = "analytics", "Analytics"


ALWAYS_REQUIRED = frozenset({SitePurpose.FUNCTIONAL.value})
NEVER_REQUIRED = frozenset({SitePurpose.EMBEDS.value, SitePurpose.ANALYTICS.value})


class PurposeNotRemovable(Exception):
    """A purpose cannot be deleted or retired; the message says why and what to do instead."""


def _plain_insert(model, rows, conflict=""):
    """The INSERT of `rows` (unsaved instances of `model`) as one plain statement, asking for
    their automatic primary keys back where the database can (`took_keys` sets them, as
    bulk_create does): the ORM's insert compiler costs a consent decision more CPU than the
    round trip it makes."""
    meta = model._meta
    automatic = isinstance(meta.pk, AutoFieldMixin)
    fields = [field for field in meta.concrete_fields if not (automatic and field is meta.pk)]
    quote = connection.ops.quote_name
    placeholders = ", ".join(["%s"] * len(fields))
    returning = (
        automatic and not conflict and connection.features.can_return_rows_from_bulk_insert
    )
    return Statement(
        f"INSERT INTO {quote(meta.db_table)} "
        f"({', '.join(quote(field.column) for field in fields)}) VALUES "
        + ", ".join([f"({placeholders})"] * len(rows)) + conflict
        + (f" RETURNING {quote(meta.pk.column)}" if returning else ""),
        tuple(field.get_db_prep_save(getattr(row, field.attname), connection)
              for row in rows for field in fields),
        rows=returning,
    )


class PurposeQuerySet(models.QuerySet):
    def asked(self):
        """The purposes the banner asks for (not retired)."""
        return self.filter(retired_at__isnull=True)

    def retire(self):
        """Stop asking for these purposes, under a new policy version in force from today.

        Every visitor is asked again (their decision named purposes that are gone); the new
        version keeps the current text, which a later version may replace. Returns it.
        """
        purposes = list(self)
        for purpose in purposes:
            if purpose.retired:
                raise PurposeNotRemovable(f"“{purpose.name}” is already retired.")
            if purpose.always_on:
                raise PurposeNotRemovable(
                    f"“{purpose.name}” cannot be retired: the site cannot work without it."
                )
        current = PolicyVersion.objects.current()
        latest = PolicyVersion.objects.order_by("-number").first()
        if latest and latest != current:
            raise PurposeNotRemovable(
                f"{latest} is not in force yet: retire purposes once it is, or delete that "
                "version first."
            )
        with transaction.atomic():
            for purpose in purposes:
                purpose.retired_at = timezone.now()
                purpose.save(update_fields=["retired_at"])
            return PolicyVersion.objects.create(
                number=(latest.number + 1) if latest else 1,
                effective_date=timezone.localdate(),
                **{
                    column("text", code): getattr(current, column("text", code)) if current else ""
                    for code, _name in settings.LANGUAGES
                },
            )


class Purpose(models.Model):
    slug = models.SlugField(unique=True, help_text="Stable key stored in consent records.")
    name = models.CharField(max_length=80)
    description = models.TextField(help_text="Shown next to the switch in the cookie settings.")
    required = models.BooleanField(
        default=False,
        help_text="Always on: the site cannot work without it. Visitors cannot switch it off. "
        "Analytics and embedded content can never be required.",
    )
    order = models.PositiveSmallIntegerField("display order", default=0)
    retired_at = models.DateTimeField(
        null=True, blank=True, editable=False,
        help_text="From then on the banner no longer asks for it (records keep their choices).",
    )

    objects = PurposeQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(slug__in=sorted(NEVER_REQUIRED), required=True),
                name="consent_site_optional_purposes_never_required",
                violation_error_message="Analytics and embedded content can never be required: "
                "visitors must be free to refuse them.",
            ),
            models.CheckConstraint(
                condition=~models.Q(slug__in=sorted(ALWAYS_REQUIRED), required=False),
                name="consent_functional_purpose_always_required",
                violation_error_message="The functional purpose is always required: the site "
                "cannot work without it.",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def always_on(self):
        """Whether it is on for every visitor, by the site's rules first (see SitePurpose)."""
        if self.slug in NEVER_REQUIRED:
            return False
        return self.required or self.slug in ALWAYS_REQUIRED

    @property
    def retired(self):
        return self.retired_at is not None

    def clean(self):
        super().clean()
        if self.slug in NEVER_REQUIRED and self.required:
            raise ValidationError(
                {"required": f"“{self.slug}” can never be required: visitors must be free to "
                 "refuse it."}
            )
        if self.slug in ALWAYS_REQUIRED and not self.required:
            raise ValidationError(
                {"required": f"“{self.slug}” is always required: the site cannot work without it."}
            )

    def refusal_to_delete(self):
        """Why this purpose cannot be deleted, or "" when it can."""
        # exists() stops at the first record naming it: quick even with a million records.
        if not ConsentRecord.objects.filter(choices__has_key=self.slug).exists():
            return ""
        return (
            f"“{self.name}” cannot be deleted: consent records refer to it, and they are the "
            "proof of what visitors chose. Retire it instead (the action “Retire selected "
            "purposes” in the list of purposes), so that the banner stops asking for it."
        )


def refuse_to_delete_recorded_purposes(sender, instance, **kwargs):
    """pre_delete of Purpose: whatever deletes it (admin, shell, a queryset), records win."""
    reason = instance.refusal_to_delete()
    if reason:
        raise PurposeNotRemovable(reason)


class PolicyVersionQuerySet(models.QuerySet):
    def current(self):
        """The version in force: the highest number whose date has come."""
        return self.filter(effective_date__lte=timezone.localdate()).order_by("-number").first()


class PolicyVersion(models.Model):
    number = models.PositiveIntegerField(
        unique=True,
        help_text="Publishing a higher number asks every visitor again from its date on.",
    )
    effective_date = models.DateField(default=timezone.localdate)
    text = models.TextField(help_text="The cookie policy, shown on the privacy page.")

    objects = PolicyVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        verbose_name = "cookie policy version"

    def __str__(self):
        return f"Version {self.number} ({self.effective_date:%d %B %Y})"


class ShownTextsManager(models.Manager):
    def keep(self, fingerprint, content):
        """The statement that stores the texts behind `fingerprint` unless they are stored
        already (run it in the transaction of the records that name them).

        One plain INSERT that does nothing on a known fingerprint (ON CONFLICT DO NOTHING,
        in PostgreSQL and SQLite alike): every decision stores its texts this way, so the
        first one of new texts stores them and the others cost one index probe.
        """
        return _plain_insert(
            self.model,
            [self.model(fingerprint=fingerprint, content=content)],
            conflict=f" ON CONFLICT ({connection.ops.quote_name('fingerprint')}) DO NOTHING",
        )


class ShownTexts(models.Model):
    """The exact banner and purpose texts behind a fingerprint stored in records."""

    fingerprint = models.CharField(max_length=64, primary_key=True)
    content = models.JSONField()
    first_used = models.DateTimeField(default=timezone.now)

    objects = ShownTextsManager()

    class Meta:
        verbose_name = "shown texts"
        verbose_name_plural = "shown texts"

    def __str__(self):
        return self.fingerprint[:12]


class ConsentRecordManager(models.Manager):
    def insert_linked(self, records):
        """The INSERT of records that `consent.chain.append` has linked, one plain statement
        (under the chain head's lock: no ORM compiling there); `took_keys` gives the records
        the keys it returns."""
        return _plain_insert(self.model, records)

    @staticmethod
    def took_keys(records, keys):
        """Give `records` the primary keys their INSERT returned."""
        for record, (pk,) in zip(records, keys, strict=True):
            record.pk = pk
            record._state.adding = False


class ConsentRecord(models.Model):
    class Action(models.TextChoices):
        # A decision already made, as the visitor's history lists it (the buttons that make
        # them are other strings: Russian says "Принять все" on the button, "Приняты все" here).
        ACCEPT_ALL = "accept_all", pgettext_lazy("consent decision", "Accept all")
        DECLINE_ALL = "decline_all", pgettext_lazy("consent decision", "Decline all")
        CUSTOM = "custom", pgettext_lazy("consent decision", "Custom")
        WITHDRAW = "withdraw", pgettext_lazy("consent decision", "Withdraw")

    sequence = models.PositiveBigIntegerField(unique=True, editable=False)
    consent_id = models.UUIDField(db_index=True, default=uuid.uuid4)
    # Indexed as the first column of consent_record_time_seq (below), which serves every
    # filter and order on it; an index of its own would cost each append for nothing.
    created_at = models.DateTimeField()
    policy_version = models.PositiveIntegerField()
    choices = models.JSONField(help_text="Purpose slug to true (allowed) or false (refused).")
    action = models.CharField(max_length=16, choices=Action.choices)
    gpc = models.BooleanField("Global Privacy Control", default=False)
    path = models.CharField(max_length=500, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    ip_hash = models.CharField(
        "IP hash", max_length=64, blank=True, help_text="Keyed hash of the truncated address."
    )
    texts_fingerprint = models.CharField(max_length=64)
    # Empty on records made before the site had languages (they were all in English).
    language = models.CharField(
        max_length=16, blank=True, help_text="The language the visitor was asked in."
    )
    prev_hash = models.CharField(max_length=64)
    record_hash = models.CharField(max_length=64)

    objects = ConsentRecordManager()

    class Meta:
        ordering = ["-sequence"]
        indexes = [
            # The admin list: newest first, within a date range or not.
            models.Index(fields=["created_at", "sequence"], name="consent_record_time_seq"),
        ]
        permissions = [
            ("view_consent_overview", "Can see the consent overview and export consent records"),
        ]

    def __str__(self):
        return f"#{self.sequence} {self.get_action_display()} ({self.consent_id})"


# The hash the first record links to.
GENESIS_HASH = "0" * 64


class ChainHeadManager(models.Manager):
    def _table(self):
        quote = connection.ops.quote_name
        return quote(self.model._meta.db_table), quote(self.model._meta.pk.column)

    def lock_statement(self):
        """The SELECT of the head's (last sequence, last hash) that locks its row until the
        transaction ends (FOR UPDATE; SQLite's writers are one at a time anyway)."""
        table, pk = self._table()
        quote = connection.ops.quote_name
        return Statement(
            f"SELECT {quote('last_sequence')}, {quote('last_hash')} FROM {table} WHERE {pk} = 1"
            + (" FOR UPDATE" if connection.features.has_select_for_update else ""),
            rows=True,
        )

    def create_statement(self):
        """The INSERT of the head as the chain starts (nothing if it is there already)."""
        table, pk = self._table()
        quote = connection.ops.quote_name
        return Statement(
            f"INSERT INTO {table} ({pk}, {quote('last_sequence')}, {quote('last_hash')}) "
            f"VALUES (1, 0, %s) ON CONFLICT ({pk}) DO NOTHING",
            (GENESIS_HASH,),
        )

    def lock(self):
        """(last sequence, last hash) of the head, its row locked until the transaction ends.
        Made on first use."""
        with connection.cursor() as cursor:
            for statement in (self.lock_statement(), self.create_statement(), self.lock_statement()):
                cursor.execute(statement.sql, statement.params or None)
                if statement.rows and (row := cursor.fetchone()) is not None:
                    return row
        raise RuntimeError("The chain head could not be made.")

    def move_to(self, last_sequence, last_hash):
        """The UPDATE that sets the head (its row locked by `lock_statement` in this
        transaction)."""
        table, pk = self._table()
        quote = connection.ops.quote_name
        return Statement(
            f"UPDATE {table} SET {quote('last_sequence')} = %s, {quote('last_hash')} = %s "
            f"WHERE {pk} = 1",
            (last_sequence, last_hash),
        )


class ChainHead(models.Model):
    """One row: the last link of the chain. Appends lock it, so they happen one at a time."""

    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")

    objects = ChainHeadManager()

    def __str__(self):
        return f"chain head at #{self.last_sequence}"


class ChainCheckpoint(models.Model):
    """Where the chain starts after a purge: the first kept record and the hash it links to."""

    created_at = models.DateTimeField(default=timezone.now)
    next_sequence = models.PositiveBigIntegerField()
    anchor_hash = models.CharField(max_length=64)
    purged_count = models.PositiveBigIntegerField()
    cutoff = models.DateTimeField()
    signature = models.CharField(max_length=64)

    class Meta:
        ordering = ["-next_sequence", "-pk"]

    def __str__(self):
        return f"chain starts at #{self.next_sequence}"


class ConsentDaySummary(models.Model):
    """Per local day: the visitors whose last decision of that week was made that day.

    Kept exact by `consent.summary` in the same transaction as every append and purge, so
    the weekly overview adds up at most 7 rows a week instead of reading every record.
    One set of rows counts every visitor (`language` empty), one set per language counts
    the visitors asked in it (records from before languages count as the default
    language). `allowed` maps a purpose slug to how many of those visitors allowed it.
    """

    day = models.DateField()
    language = models.CharField(max_length=16, blank=True, help_text="Empty: all languages.")
    visitors = models.PositiveIntegerField(default=0)
    allowed = models.JSONField(default=dict)

    class Meta:
        ordering = ["day", "language"]
        constraints = [
            models.UniqueConstraint(fields=["day", "language"], name="consent_summary_one_row_a_day"),
        ]
        verbose_name = "consent day summary"
        verbose_name_plural = "consent day summaries"

    def __str__(self):
        return f"{self.day} {self.language or 'all languages'}: {self.visitors} visitor(s)"
