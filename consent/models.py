"""What visitors are asked (purposes, cookie-policy versions) and the proof of what they chose.

Consent records form a hash chain: each record's hash covers its own fields and the hash of
the record before it, keyed with CONSENT_HASH_KEY, so altering or removing a record breaks
the chain at that point (see `consent.chain`). Records are never updated; the retention
purge removes only the oldest ones and leaves a checkpoint where the remaining chain starts.
"""

import uuid

from django.db import models
from django.utils import timezone


class Purpose(models.Model):
    slug = models.SlugField(unique=True, help_text="Stable key stored in consent records.")
    name = models.CharField(max_length=80)
    description = models.TextField(help_text="Shown next to the switch in the cookie settings.")
    required = models.BooleanField(
        default=False,
        help_text="Always on: the site cannot work without it. Visitors cannot switch it off.",
    )
    order = models.PositiveSmallIntegerField("display order", default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.name


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


class ShownTexts(models.Model):
    """The exact banner and purpose texts behind a fingerprint stored in records."""

    fingerprint = models.CharField(max_length=64, primary_key=True)
    content = models.JSONField()
    first_used = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "shown texts"
        verbose_name_plural = "shown texts"

    def __str__(self):
        return self.fingerprint[:12]


class ConsentRecord(models.Model):
    class Action(models.TextChoices):
        ACCEPT_ALL = "accept_all", "Accept all"
        DECLINE_ALL = "decline_all", "Decline all"
        CUSTOM = "custom", "Custom"
        WITHDRAW = "withdraw", "Withdraw"

    sequence = models.PositiveBigIntegerField(unique=True, editable=False)
    consent_id = models.UUIDField(db_index=True, default=uuid.uuid4)
    created_at = models.DateTimeField(db_index=True)
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
    prev_hash = models.CharField(max_length=64)
    record_hash = models.CharField(max_length=64)

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


class ChainHead(models.Model):
    """One row: the last link of the chain. Appends lock it, so they happen one at a time."""

    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")

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
    `allowed` maps a purpose slug to how many of those visitors allowed it.
    """

    day = models.DateField(primary_key=True)
    visitors = models.PositiveIntegerField(default=0)
    allowed = models.JSONField(default=dict)

    class Meta:
        ordering = ["day"]
        verbose_name = "consent day summary"
        verbose_name_plural = "consent day summaries"

    def __str__(self):
        return f"{self.day}: {self.visitors} visitor(s)"
