"""What draftable content is: the mixins a content model declares itself with, and the
share links (PreviewLink) that show a draft to a reviewer without an account.

A content model plugs into the editorial core in two steps (see docs/editorial.md):

1. It mixes in `DraftStateMixin` (and, for rows that belong to it, e.g. a publication's
   documents, the rows' model mixes in `DraftRowMixin`), and lists the fields a draft holds
   in `draft_field_names` and its related rows in `editorial_related`.
2. Its app registers it with `editorial.registry.register()` (how to preview it, its
   address segment), in `AppConfig.ready()`.

The mixin keeps one pending version of the item in `draft` (JSON: the values of its draft
fields, files by their stored names, dates as ISO text). Visitors only ever see the live
columns; the draft reaches them only through the Publish action (editorial.actions). Every
operation (save draft, publish, unpublish, discard, restore, recover) is an action object
in editorial.actions, whatever calls it (admin, shell, a future import).

Hooks a model may override (all optional):

- `is_live`: visitors may see it (or will, at its go-live time): edits become drafts.
- `lifecycle_text`: its state in the editors' words ("Live", "Scheduled for …").
- `prepare_publication(now)`: what publishing sets (e.g. status, go-live time).
- `prepare_unpublication()`: what taking it off the site sets.
- `after_draft_applied(live)`: fix derived values of a previewed copy.
- `after_publication()` / `after_unpublication()` / `after_recovery()`: e.g. make image
  renditions, or move a derived value (an edition's current version).
- `public_files_wanted()`: whether its files belong in the public store now.
- `publication_blockers()`: what must be fixed before it may go live (Publish refuses).
- `editorial_file_names(live, draft)`: its files, when some live in rows of its own kind
  (an edition version's figure images) rather than in its file fields.
"""

import copy
import datetime
import json

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.fields.files import FileField
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from reportsite.translated_content import column, columns, translated_fields

DRAFT_STATE_FIELDS = ("draft", "draft_saved_at", "draft_saved_by")


class DraftStateMixin(models.Model):
    """An item whose edits wait in a draft until they are published (see module docstring)."""

    draft = models.JSONField(null=True, blank=True, editable=False, encoder=DjangoJSONEncoder)
    draft_saved_at = models.DateTimeField("draft saved", null=True, blank=True, editable=False)
    draft_saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="draft saved by",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # The fields an editor edits, which a draft holds; each model lists its own. A
    # translated field stands for its column in every language (see draft_columns).
    draft_field_names = ()
    # Related names of rows that belong to the item (their model mixes in DraftRowMixin):
    # they change with its draft, are kept in its revisions, and their files are its files.
    editorial_related = ()
    # Saves that write only these columns change nothing a visitor sees.
    pagecache_ignored_fields = DRAFT_STATE_FIELDS

    class Meta:
        abstract = True

    @classmethod
    def draft_columns(cls):
        """The draft's fields: `draft_field_names`, translated ones in every language."""
        return [name for field in cls.draft_field_names for name in columns(cls, field)]

    @classmethod
    def draft_file_fields(cls):
        return [
            cls._meta.get_field(name) for name in cls.draft_columns()
            if isinstance(cls._meta.get_field(name), FileField)
        ]

    # --- State (hooks) -------------------------------------------------------------------

    @property
    def is_live(self):
        """Visitors may see (or are scheduled to see) this item: edits to it become drafts."""
        return self.pk is not None

    def public_files_wanted(self):
        """Whether the item's live files belong in the public store (it is live)."""
        return self.is_live

    @property
    def has_unpublished_changes(self):
        return self.draft is not None

    @property
    def lifecycle_text(self):
        return "Live with unpublished changes" if self.has_unpublished_changes else "Live"

    def prepare_publication(self, now):
        """Hook: set what publishing means for this model (status, go-live time)."""

    def prepare_unpublication(self):
        """Hook: set what taking the item off the site means for this model."""

    def after_draft_applied(self, live):
        """Hook: fix derived values of a previewed copy (e.g. renditions of a new image)."""

    def after_publication(self):
        """Hook: after a publication is saved (e.g. make renditions after the commit)."""

    def after_unpublication(self):
        """Hook: after the item was taken off the site."""

    def publication_blockers(self):
        """Hook: messages saying what must be fixed before the item may go live."""
        return []

    def after_recovery(self):
        """Hook: after a deleted item came back from its last revision."""

    # --- Values --------------------------------------------------------------------------

    def draft_values(self):
        """This instance's draft-field values as JSON-ready data, storing any new upload
        (cleaned, in the private store: editorial.files)."""
        from .files import stored_name

        values = {}
        for name in self.draft_columns():
            field = self._meta.get_field(name)
            value = field.value_from_object(self)
            if isinstance(field, FileField):
                value = stored_name(value)
            values[name] = value
        return json.loads(json.dumps(values, cls=DjangoJSONEncoder))

    def normalised_draft(self, values):
        """`values` (name -> value, from a form, a serializer or a revision) as a draft:
        only draft fields, English under a translated field's own name taken as English."""
        values = dict(values)
        for name in translated_fields(type(self)):
            # A version from before the content was translatable holds the English text
            # under the field's own name.
            if name in values and column(name, "en") not in values:
                values[column(name, "en")] = values[name]
        return {name: values[name] for name in self.draft_columns() if name in values}

    def apply_values(self, values):
        for name in self.draft_columns():
            if name in values:
                field = self._meta.get_field(name)
                value = values[name]
                if isinstance(field, FileField):
                    if (getattr(self, field.attname).name or "") == (value or ""):
                        continue  # the same file: assigning it would open it for its size
                else:
                    value = field.to_python(value)
                setattr(self, field.attname, value)

    def with_draft(self):
        """An unsaved copy with the draft applied, for previews and the edit form."""
        preview = copy.copy(self)
        preview._state = copy.copy(self._state)
        preview._state.fields_cache = {}
        for field in self._meta.concrete_fields:
            if isinstance(field, FileField):
                # Fresh file objects: shared ones would be re-pointed at the copy.
                preview.__dict__[field.attname] = getattr(self, field.attname).name
        if self.draft is not None:
            preview.apply_values(self.draft)
            preview.after_draft_applied(self)
        return preview

    def changed_draft_fields(self):
        """Names of the draft columns whose draft value differs from the live one."""
        if self.draft is None:
            return []
        live = self.draft_values()
        return [
            name for name in self.draft_columns()
            if comparable(self._meta.get_field(name), self.draft.get(name, live[name]))
            != comparable(self._meta.get_field(name), live[name])
        ]

    @property
    def draft_changes_anything(self):
        """The draft differs from the live version (a draft may repeat it unchanged)."""
        if self.draft is None:
            return False
        return bool(self.changed_draft_fields()) or self.has_related_draft_changes()

    # --- Related rows --------------------------------------------------------------------

    def related_rows(self, name):
        return getattr(self, name).all()

    def live_rows(self, name):
        return self.related_rows(name).exclude(draft_change=DraftRowMixin.DraftChange.ADDED)

    def draft_rows(self, name):
        return self.related_rows(name).exclude(draft_change=DraftRowMixin.DraftChange.REMOVED)

    def has_related_draft_changes(self):
        return any(
            self.related_rows(name).exclude(draft_change=DraftRowMixin.DraftChange.NONE).exists()
            for name in self.editorial_related
        )

    # --- Files ---------------------------------------------------------------------------

    def editorial_file_names(self, live=True, draft=True):
        """Stored names of the item's files: its live version's and/or its draft's,
        related rows' included. Files outside this list are not the item's."""
        names = set()
        for field in self.draft_file_fields():
            if live:
                names.add(getattr(self, field.attname).name or "")
            if draft and self.draft is not None:
                names.add(self.draft.get(field.attname) or "")
        for name in self.editorial_related:
            rows = self.related_rows(name)
            if not draft:
                rows = rows.exclude(draft_change=DraftRowMixin.DraftChange.ADDED)
            elif not live:
                rows = rows.exclude(draft_change=DraftRowMixin.DraftChange.REMOVED)
            for row in rows:
                for field in row._meta.concrete_fields:
                    if isinstance(field, FileField):
                        names.add(getattr(row, field.attname).name or "")
        names.discard("")
        return names


class ScheduledQuerySet(models.QuerySet):
    """Queries of ScheduledPublishingMixin items by what visitors see of them: the one
    place the live / scheduled / expired rule is written."""

    def _not_expired(self, now):
        return models.Q(expire_at__isnull=True) | models.Q(expire_at__gt=now)

    def published(self):
        """What a visitor may see: published, go-live time reached, not expired."""
        now = timezone.now()
        return self.filter(self._not_expired(now), status=Status.PUBLISHED, publish_at__lte=now)

    def in_lifecycle(self, lifecycle):
        """Items whose `lifecycle` (see Lifecycle) is the one given."""
        now = timezone.now()
        published = self.filter(status=Status.PUBLISHED)
        live = published.filter(self._not_expired(now), publish_at__lte=now)
        return {
            Lifecycle.DRAFT: self.filter(status=Status.DRAFT),
            Lifecycle.SCHEDULED: published.filter(self._not_expired(now), publish_at__gt=now),
            Lifecycle.LIVE: live.filter(draft__isnull=True),
            Lifecycle.LIVE_WITH_CHANGES: live.filter(draft__isnull=False),
            Lifecycle.EXPIRED: published.filter(expire_at__lte=now),
        }[lifecycle]

    def never_published(self):
        return self.filter(status=Status.DRAFT)

    def expiring_around(self, now, window):
        return self.filter(
            status=Status.PUBLISHED, expire_at__gt=now - window, expire_at__lte=now + window
        )

    def seconds_until_next_scheduled(self):
        """Seconds until an item goes live or expires by itself, or None."""
        now = timezone.now()
        published = self.filter(status=Status.PUBLISHED)
        times = [
            published.filter(publish_at__gt=now).aggregate(next=models.Min("publish_at"))["next"],
            published.filter(expire_at__gt=now).aggregate(next=models.Min("expire_at"))["next"],
        ]
        next_time = min(filter(None, times), default=None)
        return (next_time - now).total_seconds() if next_time else None


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Lifecycle(models.TextChoices):
    """What visitors see of an item, as editors are told (computed, never stored)."""

    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    LIVE = "live", "Live"
    LIVE_WITH_CHANGES = "live-changed", "Live with unpublished changes"
    EXPIRED = "expired", "Expired"


class ScheduledPublishingMixin(DraftStateMixin):
    """Content that starts as a draft, goes live when published (now or at its go-live
    time) and may expire, like Wagtail's live / go_live_at / expire_at. Its manager should
    come from ScheduledQuerySet."""

    Status = Status
    Lifecycle = Lifecycle

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        "go-live time",
        null=True,
        blank=True,
        help_text="A published publication appears on the site from this time on. "
        "Leave empty to go live at the moment you publish.",
    )
    expire_at = models.DateTimeField(
        "expiry time",
        null=True,
        blank=True,
        help_text="Optional: the publication is taken off the site (pages, lists, feed, "
        "sitemap) at this time, e.g. when it is superseded.",
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "publish_at" in update_fields:
            if self.status == Status.PUBLISHED and self.publish_at is None:
                # Published without a go-live time: it goes live (and is dated) now.
                self.publish_at = timezone.now()
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.expire_at and self.publish_at and self.expire_at <= self.publish_at:
            raise ValidationError(
                {"expire_at": "The expiry time must come after the go-live time."}
            )

    @property
    def is_live(self):
        """Published (live, scheduled or expired): edits to it become drafts."""
        return self.pk is not None and self.status == Status.PUBLISHED

    def prepare_publication(self, now):
        self.status = Status.PUBLISHED
        if self.publish_at is None:
            self.publish_at = now

    def prepare_unpublication(self):
        self.status = Status.DRAFT

    def publication_warnings(self, values=None):
        """[(field, message)] an editor confirms before publishing these values."""
        expire_at = (values or {}).get("expire_at", self.expire_at)
        if expire_at is not None and expire_at <= timezone.now():
            return [(
                "expire_at",
                f"This expiry time ({format_moment(expire_at)}) has passed: publishing would "
                "take the item off the site at once. Change or clear it, or tick "
                "“Publish even though the expiry time has passed” and publish again.",
            )]
        return []

    @property
    def lifecycle(self):
        now = timezone.now()
        if self.status != Status.PUBLISHED:
            return Lifecycle.DRAFT
        if self.expire_at is not None and self.expire_at <= now:
            return Lifecycle.EXPIRED
        if self.publish_at is not None and self.publish_at > now:
            return Lifecycle.SCHEDULED
        if self.has_unpublished_changes:
            return Lifecycle.LIVE_WITH_CHANGES
        return Lifecycle.LIVE

    @property
    def lifecycle_text(self):
        """The status as editors read it, times with their time zone."""
        lifecycle = self.lifecycle
        text = lifecycle.label
        if lifecycle == Lifecycle.SCHEDULED:
            text = f"Scheduled for {format_moment(self.publish_at)}"
        elif lifecycle == Lifecycle.EXPIRED:
            text = f"Expired {format_moment(self.expire_at)}"
        elif self.expire_at is not None and lifecycle != Lifecycle.DRAFT:
            text = f"{text}, expires {format_moment(self.expire_at)}"
        if self.has_unpublished_changes and lifecycle != Lifecycle.LIVE_WITH_CHANGES:
            text = f"{text}, with unpublished changes"
        return text

    @property
    def is_visible(self):
        return self.lifecycle in (Lifecycle.LIVE, Lifecycle.LIVE_WITH_CHANGES)


class DraftRowMixin(models.Model):
    """A row that belongs to a draftable item (listed in its `editorial_related`): while
    the item has a draft, rows the draft adds or removes are marked until it is published
    or discarded. An edit to a live row is a new "added" row replacing the "removed" one."""

    class DraftChange(models.TextChoices):
        NONE = "", "Live"
        ADDED = "added", "Added in the draft"
        REMOVED = "removed", "Removed in the draft"

    draft_change = models.CharField(
        max_length=10, choices=DraftChange.choices, default="", blank=True, editable=False
    )

    class Meta:
        abstract = True

    @classmethod
    def editorial_parent_field(cls):
        """The foreign key to the item the row belongs to."""
        return next(
            field for field in cls._meta.concrete_fields
            if isinstance(field, models.ForeignKey) and issubclass(field.related_model, DraftStateMixin)
        )

    def file_names(self):
        names = {
            getattr(self, field.attname).name or ""
            for field in self._meta.concrete_fields if isinstance(field, FileField)
        }
        return names - {""}


def comparable(field, value):
    """A value as an editor sees it, whatever its source (form, JSON, revision): the admin
    shows times to the second; an empty text is empty whichever way it is stored."""
    if isinstance(field, FileField):
        return getattr(value, "name", value) or ""
    try:
        value = field.to_python(value)
    except Exception:  # noqa: BLE001 - a value the field cannot read is compared as given
        return value
    if value is None and isinstance(field, (models.CharField, models.TextField)):
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value, datetime.UTC)
        return value.replace(microsecond=0)
    return value


def preview_link_expiry():
    return timezone.now() + PreviewLink.LIFETIME


class PreviewLink(models.Model):
    """A link that shows one item's draft to a reviewer without an admin account.

    The address carries a token signed with the site's secret key, so it cannot be
    guessed or altered; the link stops working when it expires or is revoked, and for
    good when its item is deleted (a recovered item's old links stay dead).
    """

    LIFETIME = datetime.timedelta(days=7)
    # Unchanged since the links lived in the publications app: links sent keep working.
    _SALT = "publications.PreviewLink"

    # Indexed first in the index below (an index of its own would only cost writes).
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, db_index=False)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=preview_link_expiry)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The table made by the publications app, where links were first kept.
        db_table = "publications_previewlink"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="publication_content_ad7d41_idx")
        ]

    class Unusable(Exception):
        """The link was revoked or has expired (`gone`), or never existed."""

        def __init__(self, reason, gone):
            super().__init__(reason)
            self.gone = gone

    def __str__(self):
        return f"Preview link to {self.target}"

    @classmethod
    def create_for(cls, target, user):
        return cls.objects.create(
            content_type=ContentType.objects.get_for_model(target),
            object_id=target.pk,
            created_by=user,
        )

    @classmethod
    def links_to(cls, target):
        return cls.objects.filter(
            content_type=ContentType.objects.get_for_model(target), object_id=target.pk
        )

    @property
    def token(self):
        return signing.Signer(salt=self._SALT).sign(str(self.pk))

    def get_absolute_url(self):
        return reverse("editorial:shared-preview", kwargs={"token": self.token})

    @property
    def absolute_url(self):
        return settings.SITE_URL + self.get_absolute_url()

    @property
    def is_usable(self):
        return self.revoked_at is None and self.expires_at > timezone.now()

    @classmethod
    def open(cls, token):
        """The usable link behind `token`, or raise PreviewLink.Unusable."""
        try:
            pk = int(signing.Signer(salt=cls._SALT).unsign(token))
            link = cls.objects.select_related("content_type").get(pk=pk)
        except (signing.BadSignature, ValueError, cls.DoesNotExist):
            raise cls.Unusable(gettext("This preview link is not valid."), gone=False)
        if link.target is None:
            raise cls.Unusable(gettext("What this link showed no longer exists."), gone=True)
        if link.revoked_at is not None:
            raise cls.Unusable(gettext("This preview link was withdrawn."), gone=True)
        if link.expires_at <= timezone.now():
            raise cls.Unusable(gettext("This preview link has expired."), gone=True)
        return link

    def revoke(self):
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

    @classmethod
    def revoke_all(cls, target):
        """Revoke every link to `target` for good (it is being deleted)."""
        cls.links_to(target).filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


def format_moment(moment):
    """A date and time in the site's time zone, naming the zone: "3 March 2026, 09:00 CET"."""
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y, %H:%M} {local.tzname()}"
