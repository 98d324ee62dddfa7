"""Every editorial operation as one action object: save a draft, publish, unpublish,
discard a draft, restore a revision, recover a deleted item.

Whatever the entry point (the admin's form or list, the shell, a future import), an
operation is one of these: it runs in one transaction, writes the item's row once,
records one revision (django-reversion, editorial.history) naming what changed, and moves
the item's files between the private and public stores (editorial.files). Like Wagtail's
PublishRevisionAction::

    Publish(publication, user).execute()
    SaveDraft(publication, user, values={"summary_en": "New summary."}).execute()

`item` is the item as stored (read once by the caller). Actions check the user's rights
when given a user (`PermissionDenied`); the shell may pass none.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from . import files, history, registry
from .models import DRAFT_STATE_FIELDS, DraftRowMixin, comparable, format_moment


def _labels(model, names):
    labels = []
    for name in names:
        label = str(model._meta.get_field(name).verbose_name)
        label = label[:1].upper() + label[1:]
        if label not in labels:
            labels.append(label)
    return ", ".join(labels)


class Refused(Exception):
    """The item cannot take this step now; the message says why, for the editor."""


class Action:
    permission = "change"

    def __init__(self, item, user=None):
        self.item = item
        self.user = user

    def check(self):
        kind = registry.kind_of(self.item)
        if self.user is not None and kind is not None:
            if not self.user.has_perm(kind.permission(self.permission)):
                raise PermissionDenied(f"You may not {self.permission} this item.")

    def execute(self):
        self.check()
        with transaction.atomic():
            return self._execute()

    def record(self, comment):
        history.record(self.item, self.user, comment)


class SaveDraft(Action):
    """Keep `values` (field name -> value) as the item's pending version.

    A live item keeps visitors' columns as they are: the draft goes to its `draft` column
    (one write of the draft columns); `related` (a callable) saves related rows as draft
    changes first (editorial.admin.save_rows_as_draft). A draft that changes nothing is
    dropped. An item never published has no live version: its own columns are the draft.
    """

    def __init__(self, item, user=None, values=None, related=None):
        super().__init__(item, user)
        self.values = values or {}
        self.related = related

    def _execute(self):
        item = self.item
        known = item.normalised_draft(self.values)
        if not item.is_live:
            item.apply_values(known)
            item.save()
            if self.related:
                self.related()
            self.record("Saved.")
            return item
        had_draft, before = item.draft is not None, item.draft
        related_changed = bool(self.related()) if self.related else False
        # A partial version (e.g. from an older revision) keeps today's other values.
        pending = {**item.draft_values(), **(item.draft or {}), **known}
        item.draft = item.normalised_draft(pending)
        item.draft = _json(item.draft)
        changed = item.changed_draft_fields()
        if not changed and not item.has_related_draft_changes():
            item.draft = item.draft_saved_at = item.draft_saved_by = None
            if had_draft:
                item.save(update_fields=DRAFT_STATE_FIELDS)
                self.record("Draft discarded: it no longer differed from the live version.")
            return item
        item.draft_saved_at = timezone.now()
        item.draft_saved_by = self.user
        item.save(update_fields=DRAFT_STATE_FIELDS)
        if item.draft != before or related_changed:
            what = _labels(type(item), changed)
            self.record(f"Draft saved. Changed {what}." if what else "Draft saved.")
        return item


def _json(values):
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    return json.loads(json.dumps(values, cls=DjangoJSONEncoder))


class Publish(Action):
    """Make the item's draft (if any) what visitors see, now or at its go-live time.

    The admin's form may have applied its values to `item` already (`item` is then the
    edited copy); `write=False` when the caller has written the row itself (the admin's
    add form), so that it is written once.
    """

    permission = "publish"

    def __init__(self, item, user=None, live=None):
        super().__init__(item, user)
        # The item as visitors saw it, when `item` is an edited copy (the admin's form).
        self.live = live

    def check(self):
        super().check()
        blockers = self.item.with_draft().publication_blockers()
        if blockers:
            raise Refused(
                f"Publishing is refused while {len(blockers)} blocking item(s) are open: "
                + "; ".join(blockers[:5])
            )

    def prepare(self):
        """Apply the draft and what publishing sets, without writing (the admin's form)."""
        item = self.item
        live = self.live or item
        self.live_files = (
            live.editorial_file_names(live=True, draft=False)
            if live.pk and live.public_files_wanted() else set()
        )
        if self.live is not None:
            self.changed = [
                name for name in item.draft_columns()
                if comparable(item._meta.get_field(name), getattr(item, name))
                != comparable(item._meta.get_field(name), getattr(self.live, name))
            ]
        else:
            self.changed = item.changed_draft_fields()
            if item.draft is not None:
                item.apply_values(item.draft)
        item.draft = item.draft_saved_at = item.draft_saved_by = None
        item.prepare_publication(timezone.now())

    def finish(self):
        """After the write: related rows go live, files follow, one revision."""
        item = self.item
        change = DraftRowMixin.DraftChange
        for name in item.editorial_related:
            rows = item.related_rows(name)
            for row in rows.filter(draft_change=change.REMOVED):
                row.delete()
            rows.filter(draft_change=change.ADDED).update(draft_change=change.NONE)
        now_live = item.editorial_file_names(live=True, draft=False)
        if item.public_files_wanted():
            files.publish_files(now_live)
        files.withdraw_files(self.live_files - now_live)
        what = _labels(type(item), self.changed)
        self.record(f"Published. Changed {what}." if what else "Published.")
        item.after_publication()
        return item

    def _execute(self):
        self.prepare()
        # A full save: post_save makes cached pages stale, as any edit does.
        self.item.save()
        return self.finish()


class Unpublish(Action):
    """Take the item off the site (its files leave the public store); its content stays."""

    permission = "publish"

    def _execute(self):
        item = self.item
        live_files = item.editorial_file_names(live=True, draft=False)
        item.prepare_unpublication()
        item.save()
        if not item.public_files_wanted():
            files.withdraw_files(live_files)
        item.after_unpublication()
        self.record("Unpublished: visitors no longer see it.")
        return item


class DiscardDraft(Action):
    def _execute(self):
        item = self.item
        change = DraftRowMixin.DraftChange
        had_draft = item.draft is not None or item.has_related_draft_changes()
        item.draft = item.draft_saved_at = item.draft_saved_by = None
        item.save(update_fields=DRAFT_STATE_FIELDS)
        for name in item.editorial_related:
            rows = item.related_rows(name)
            for row in rows.filter(draft_change=change.ADDED):
                row.delete()
            rows.filter(draft_change=change.REMOVED).update(draft_change=change.NONE)
        if had_draft:
            self.record("Draft discarded.")
        return item


class RestoreRevision(Action):
    """Put an old revision's values (its live version, or its draft when `use_draft`)
    into the item's draft; what visitors see is unchanged."""

    def __init__(self, item, version, user=None, use_draft=False):
        super().__init__(item, user)
        self.version = version
        self.use_draft = use_draft

    def _execute(self):
        values = history.revision_values(self.version, self.use_draft)

        def rows():
            history.restore_rows_as_draft(self.item, self.version, self.use_draft)

        saving = SaveDraft(self.item, self.user, values=values, related=rows)
        saving.record = lambda comment: None  # one revision: this action's own
        saving._execute()
        when = timezone.localtime(self.version.revision.date_created)
        what = "The draft of the revision" if self.use_draft else "Revision"
        self.record(f"{what} of {format_moment(when)} restored as a draft.")
        return self.item


class Recover:
    """Bring a deleted item back from its last revision, with its related rows and files.
    Its old share links stay revoked (they died with it)."""

    def __init__(self, version, user=None):
        self.version = version
        self.user = user

    def execute(self):
        kind = registry.kind_of(self.version._model)
        if self.user is not None and not (
            self.user.has_perm(kind.permission("add")) and self.user.has_perm(kind.permission("change"))
        ):
            raise PermissionDenied("You may not recover this item.")
        with transaction.atomic():
            item = history.recover_rows(self.version)
            if item.public_files_wanted():
                files.publish_files(item.editorial_file_names(live=True, draft=False))
            item.after_recovery()
            history.record(item, self.user, "Recovered after deletion.")
        return item


def delete(item, user=None):
    """Delete an item, keeping its last state as a revision (for recovery); its share
    links die and its files leave the public store (editorial.signals)."""
    with transaction.atomic():
        history.record(item, user, "Deleted.")
        item.delete()
