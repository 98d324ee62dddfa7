"""Drafts of live content: an editor prepares a change to something visitors already see,
looks at it, then publishes it (or throws it away).

A model that mixes in `Draftable` keeps one pending version of itself in `draft`: the
values of its `draft_field_names` (files by their stored names, dates as ISO text), as
JSON. Visitors only ever see the live columns; the draft reaches them only through
`publish()`. Saving a draft writes the draft columns alone (`update_fields`), so it moves
no `updated_at`, feed date or sitemap date, and the page cache ignores it (see
`pagecache_ignored_fields` and reportsite.pagecache.invalidate_on_change).

The values accepted by `save_draft` are plain field values by name, so a version from
elsewhere (a form, or a revision serialized by django-reversion) can become a draft;
names that are not draft fields are ignored.
"""

import copy
import datetime
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models.fields.files import FieldFile, FileField
from django.utils import timezone

DRAFT_STATE_FIELDS = ("draft", "draft_saved_at", "draft_saved_by")


class Draftable(models.Model):
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

    # The fields an editor edits, which a draft holds; each model lists its own.
    draft_field_names = ()
    # Saves that write only these columns change nothing a visitor sees.
    pagecache_ignored_fields = DRAFT_STATE_FIELDS

    class Meta:
        abstract = True

    # State

    @property
    def is_live(self):
        """Visitors may see (or are scheduled to see) this item: edits to it become drafts."""
        return self.pk is not None

    @property
    def has_unpublished_changes(self):
        return self.draft is not None

    # Values

    def draft_values(self):
        """This instance's draft-field values as JSON-ready data, storing any new upload."""
        values = {}
        for name in self.draft_field_names:
            field = self._meta.get_field(name)
            value = field.value_from_object(self)
            if isinstance(field, FileField):
                value = _stored_name(value)
            values[name] = value
        return json.loads(json.dumps(values, cls=DjangoJSONEncoder))

    def _apply(self, values):
        for name in self.draft_field_names:
            if name in values:
                field = self._meta.get_field(name)
                value = values[name]
                if isinstance(field, FileField):
                    if (getattr(self, field.attname).name or "") == (value or ""):
                        continue  # the same file: assigning it would open it for its size
                else:
                    value = field.to_python(value)
                setattr(self, field.attname, value)

    # Operations

    def save_draft(self, values, user=None):
        """Keep `values` (field name -> value) as the pending version; live fields stay."""
        known = {name: values[name] for name in self.draft_field_names if name in values}
        # A partial version (e.g. from an older revision) keeps today's other values.
        pending = {**self.draft_values(), **(self.draft or {}), **known}
        self.draft = json.loads(json.dumps(pending, cls=DjangoJSONEncoder))
        self.draft_saved_at = timezone.now()
        self.draft_saved_by = user
        self.save(update_fields=DRAFT_STATE_FIELDS)

    def with_draft(self):
        """An unsaved copy with the draft applied, for previews and the edit form."""
        preview = copy.copy(self)
        preview._state.fields_cache = {}
        for field in self._meta.concrete_fields:
            if isinstance(field, FileField):
                # Fresh file objects: shared ones would be re-pointed at the copy.
                preview.__dict__[field.attname] = getattr(self, field.attname).name
        if self.draft is not None:
            preview._apply(self.draft)
            preview.after_draft_applied(self)
        return preview

    def after_draft_applied(self, live):
        """Hook: fix derived values of a previewed copy (e.g. renditions of a new image)."""

    def publish(self, user=None):
        """Make the draft (if any) what visitors see, and mark the item published."""
        with transaction.atomic():
            if self.draft is not None:
                self._apply(self.draft)
            self.draft = None
            self.draft_saved_at = None
            self.draft_saved_by = None
            self.prepare_publication(timezone.now())
            # A full save: post_save makes cached pages stale, as any edit does.
            self.save()
            self.publish_related()

    def prepare_publication(self, now):
        """Hook: set what publishing means for this model (status, go-live time)."""

    def publish_related(self):
        """Hook: make related rows changed in the draft (e.g. documents) live."""

    def has_related_draft_changes(self):
        """Hook: whether related rows (e.g. documents) wait in the draft."""
        return False

    @property
    def draft_changes_anything(self):
        """The draft differs from the live version (a draft may repeat it unchanged)."""
        if self.draft is None:
            return False
        live = self.draft_values()
        return (
            any(
                _comparable(self._meta.get_field(name), self.draft.get(name, live[name]))
                != _comparable(self._meta.get_field(name), live[name])
                for name in self.draft_field_names
            )
            or self.has_related_draft_changes()
        )

    def discard_draft(self):
        with transaction.atomic():
            self.draft = None
            self.draft_saved_at = None
            self.draft_saved_by = None
            self.save(update_fields=DRAFT_STATE_FIELDS)
            self.discard_related()

    def discard_related(self):
        """Hook: throw away related rows changed in the draft."""


def _comparable(field, value):
    """A value as an editor sees it: the admin shows times to the second."""
    if isinstance(field, FileField):
        return value or ""
    value = field.to_python(value)
    if isinstance(value, datetime.datetime):
        return value.replace(microsecond=0)
    return value


def _stored_name(field_file):
    """The storage name of a file field's value, saving a fresh upload to storage first."""
    if not field_file:
        return ""
    if isinstance(field_file, FieldFile) and not field_file._committed:
        field_file.save(field_file.name, field_file.file, save=False)
    return field_file.name
