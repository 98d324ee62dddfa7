"""Revisions of draftable content: who changed what and when, restore and recovery.

The revision store is django-reversion: every operation of editorial.actions records one
revision (an item's revision includes its related rows, `editorial_related`). This module
reads revisions back as field-by-field changes an editor can review (text as a word diff,
images as thumbnails), puts an old revision into the draft (never straight to live), and
recovers deleted items. Files survive deletion: stored names are content-addressed and
the private store keeps every file (editorial.files), so recovering the rows brings the
same images and PDFs back.

Changes are compared as values (editorial.models.comparable), never as formatted text: a
date read from a revision and the same date read from a draft are the same.
"""

import datetime
import difflib
import re
from dataclasses import dataclass, field

import reversion
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils.html import format_html, format_html_join
from reversion.models import Version

from reportsite.translated_content import translated_fields

from . import files
from .models import DraftRowMixin, comparable, format_moment


def register_model(model):
    """A registered kind keeps its history (editorial.registry.register)."""
    for name in model.editorial_related:
        row_model = model._meta.get_field(name).related_model
        if not reversion.is_registered(row_model):
            reversion.register(row_model, format="xml")
    if not reversion.is_registered(model):
        # XML keeps times to the microsecond (JSON keeps milliseconds): a recovered
        # page is then the same to the byte, "dateModified" included.
        reversion.register(model, follow=tuple(model.editorial_related), format="xml")


def record(obj, user, comment):
    """Store `obj` as it is stored (and the rows it follows) as one revision.

    `obj` must hold what the database holds (the actions pass the instance they wrote).
    Called before a deletion too: the revision is saved at the end of this block, while
    the rows still exist (reversion keeps versions of existing rows only).
    """
    with reversion.create_revision(manage_manually=True):
        reversion.set_user(user if user and user.is_authenticated else None)
        reversion.set_comment(comment)
        reversion.add_to_revision(obj)


def keep_baseline(model, pk):
    """Before the first change of an item made before history was kept (seed content,
    older rows), record it as it is, so that its first change can be undone too."""
    obj = model._default_manager.filter(pk=pk).first()
    if obj is not None and not Version.objects.get_for_object(obj).exists():
        record(obj, None, "As it was before its history was kept.")


# --- Reading revisions -------------------------------------------------------------------

WORD = re.compile(r"\s+|[^\s]+")


def text_diff(old, new):
    """Old and new text as one paragraph with <del> and <ins> words (markup escaped)."""
    old_words, new_words = WORD.findall(old or ""), WORD.findall(new or "")
    parts = []
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    for operation, a1, a2, b1, b2 in matcher.get_opcodes():
        removed, added = "".join(old_words[a1:a2]), "".join(new_words[b1:b2])
        if operation == "equal":
            parts.append(format_html("{}", removed))
            continue
        if removed:
            parts.append(format_html("<del>{}</del>", removed))
        if added:
            parts.append(format_html("<ins>{}</ins>", added))
    return format_html_join("", "{}", ((part,) for part in parts))


@dataclass
class Change:
    """One field's change between two revisions, ready for the history template."""

    label: str
    kind: str  # "text", "image", "file" or "value"
    old: object = None
    new: object = None
    diff: str = ""


@dataclass
class Entry:
    """One revision of one item, with what changed since the revision before it."""

    version: Version
    changes: list = field(default_factory=list)
    first: bool = False
    # The item's unpublished draft at the time, when it changed: changes against live.
    draft_changes: list = field(default_factory=list)

    @property
    def revision(self):
        return self.version.revision


def _image_url(name):
    return files.EditorialStorage().url(name) if name else ""


def _display(model_field, value):
    value = comparable(model_field, value)
    if value in (None, ""):
        return "(empty)"
    if model_field.choices:
        return dict(model_field.flatchoices).get(value, value)
    if isinstance(model_field, models.BooleanField):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        return format_moment(value)
    if isinstance(value, datetime.date):
        return f"{value.day} {value:%B %Y}"
    return str(value)


def editable_fields(model):
    # A translated field's own column is not edited: its columns per language are.
    untranslated = set(translated_fields(model))
    return [
        f for f in model._meta.concrete_fields
        if f.editable and not f.primary_key and not isinstance(f, models.ForeignKey)
        and f.name not in untranslated
    ]


def field_values(version):
    """The version's editable values, file fields as stored names."""
    values = {}
    data = version.field_dict
    for model_field in editable_fields(version._model):
        value = data.get(model_field.attname)
        if isinstance(model_field, models.FileField):
            value = getattr(value, "name", value) or ""
        values[model_field.name] = value
    return values


def draft_of(version):
    """The draft (unpublished changes) an item had in this revision, or None."""
    return version.field_dict.get("draft")


def field_changes(model, old, new):
    """The changes between two dicts of `field_values`, in the model's field order, values
    compared as values (a date from a revision equals the same date from a draft)."""
    changes = []
    for model_field in editable_fields(model):
        before, after = old.get(model_field.name), new.get(model_field.name)
        if comparable(model_field, before) == comparable(model_field, after):
            continue
        label = str(model_field.verbose_name).capitalize()
        if isinstance(model_field, models.ImageField):
            changes.append(Change(label, "image", _image_url(before), _image_url(after)))
        elif isinstance(model_field, models.FileField):
            changes.append(Change(label, "file", before or "(none)", after or "(none)"))
        elif isinstance(model_field, models.TextField) or (
            isinstance(model_field, models.CharField) and not model_field.choices
        ):
            changes.append(Change(label, "text", diff=text_diff(before, after)))
        else:
            changes.append(
                Change(label, "value", _display(model_field, before), _display(model_field, after))
            )
    return changes


def _row_values(row):
    values = {f.name: getattr(row, f.attname) for f in editable_fields(type(row))}
    for f in type(row)._meta.concrete_fields:
        if isinstance(f, models.FileField):
            values[f.name] = getattr(row, f.attname).name
    return values


def _row_changes(row_model, old_rows, new_rows):
    """Rows (e.g. documents) added, removed or changed between two revisions."""
    noun = str(row_model._meta.verbose_name).capitalize()
    file_field = next((f for f in row_model._meta.concrete_fields if isinstance(f, models.FileField)), None)

    def file_name(row):
        return getattr(row, file_field.attname).name if file_field else ""

    changes = []
    for key in sorted(set(old_rows) | set(new_rows), key=int):
        before, after = old_rows.get(key), new_rows.get(key)
        name = str(after or before)
        if (after or before).draft_change:
            name = f"{name}, {(after or before).get_draft_change_display().lower()}"
        if before is None:
            changes.append(Change(f"{noun} added: {name}", "file", "(none)", file_name(after)))
        elif after is None:
            changes.append(Change(f"{noun} removed: {name}", "file", file_name(before), "(none)"))
        else:
            if before.draft_change != after.draft_change:
                changes.append(Change(
                    f"{noun} {name}", "value",
                    before.get_draft_change_display(), after.get_draft_change_display(),
                ))
            for change in field_changes(row_model, _row_values(before), _row_values(after)):
                change.label = f"{noun} {name}: {change.label.lower()}"
                changes.append(change)
    return changes


def history(obj, limit=100):
    """The item's revisions, newest first, each with its changes against the one before.

    A fixed number of queries whatever the number of revisions shown: the item's versions,
    then its related rows' versions of those revisions.
    """
    versions = list(
        Version.objects.get_for_object(obj).select_related("revision__user")[: limit + 1]
    )
    return entries(type(obj), versions, limit)


def _rows_by_revision(model, versions):
    """{related name: {revision id: {row id: row}}} for the versions' revisions."""
    found = {}
    for name in model.editorial_related:
        row_model = model._meta.get_field(name).related_model
        rows = found.setdefault(name, {})
        for version in Version.objects.filter(
            revision__in=[v.revision_id for v in versions],
            content_type=ContentType.objects.get_for_model(row_model),
        ):
            rows.setdefault(version.revision_id, {})[version.object_id] = version._object_version.object
    return found


def entries(model, versions, limit):
    rows_by_revision = _rows_by_revision(model, versions)
    result = []
    for index, version in enumerate(versions[:limit]):
        previous = versions[index + 1] if index + 1 < len(versions) else None
        entry = Entry(version, first=previous is None)
        old = field_values(previous) if previous else {}
        new = field_values(version)
        entry.changes = field_changes(model, old, new)
        draft = draft_of(version)
        if draft is not None and (previous is None or draft != draft_of(previous)):
            entry.draft_changes = field_changes(model, new, {**new, **draft})
        for name, by_revision in rows_by_revision.items():
            entry.changes += _row_changes(
                model._meta.get_field(name).related_model,
                by_revision.get(previous.revision_id, {}) if previous else {},
                by_revision.get(version.revision_id, {}),
            )
        result.append(entry)
    return result


def version_of(model, object_id, version_id):
    return (
        Version.objects.get_for_object_reference(model, object_id)
        .select_related("revision__user")
        .get(pk=version_id)
    )


def file_in_history(obj, name):
    """Whether a stored file `name` was ever the item's (in any revision)."""
    return Version.objects.get_for_object(obj).filter(serialized_data__contains=name).exists() or any(
        Version.objects.filter(
            content_type=ContentType.objects.get_for_model(obj._meta.get_field(related).related_model),
            revision__version__in=Version.objects.get_for_object(obj),
            serialized_data__contains=name,
        ).exists()
        for related in obj.editorial_related
    )


# --- Restoring and recovering ------------------------------------------------------------


def revision_values(version, use_draft=False):
    """An old revision's values: its live version, or the draft it had when `use_draft`."""
    values = field_values(version)
    if use_draft:
        values.update(draft_of(version) or {})
    return values


def _row_key(row):
    return tuple(
        getattr(row, f.attname).name if isinstance(f, models.FileField) else getattr(row, f.attname)
        for f in editable_fields(type(row))
    ) + tuple(getattr(row, f.attname).name for f in type(row)._meta.concrete_fields if isinstance(f, models.FileField))


def restore_rows_as_draft(item, version, use_draft):
    """Make the draft's related rows those of the revision (its live ones, or its draft's):
    rows already there are kept, others marked removed in the draft, missing ones added to
    the draft as copies pointing at the same files. Visitors see none of it until the draft
    is published."""
    change = DraftRowMixin.DraftChange
    not_wanted = change.REMOVED if use_draft else change.ADDED
    for name in item.editorial_related:
        row_model = item._meta.get_field(name).related_model
        parent = row_model.editorial_parent_field()
        wanted = [
            other._object_version.object
            for other in version.revision.version_set.filter(
                content_type=ContentType.objects.get_for_model(row_model)
            )
        ]
        wanted = [
            row for row in wanted
            if getattr(row, parent.attname) == item.pk and row.draft_change != not_wanted
        ]
        for row in item.related_rows(name):
            match = next((w for w in wanted if _row_key(w) == _row_key(row)), None)
            if match is not None:
                wanted.remove(match)
                if row.draft_change == change.REMOVED:
                    row_model.objects.filter(pk=row.pk).update(draft_change=change.NONE)
            elif row.draft_change == change.ADDED:
                row.delete()
            else:
                row_model.objects.filter(pk=row.pk).update(draft_change=change.REMOVED)
        for row in wanted:
            row.pk = row.id = None
            row._state.adding = True
            setattr(row, parent.attname, item.pk)
            row.draft_change = change.ADDED
            row.save()


def deleted_versions(model):
    """The last revision of every deleted item of `model`, newest deletion first."""
    return (
        Version.objects.get_deleted(model)
        .select_related("revision__user")
        .order_by("-revision__date_created")
    )


class RecoveryError(Exception):
    """The item cannot come back as it was (e.g. its address is taken by another item)."""


def recover_rows(version):
    """Save the deleted item and its own related rows from its last revision; returns it."""
    model = version._model
    if model._default_manager.filter(pk=version.object_id).exists():
        raise RecoveryError(f"“{version.object_repr}” exists: there is nothing to recover.")
    try:
        with transaction.atomic():
            # Only this item and its own rows: a revision may hold other items.
            version._object_version.save()
            parents = {
                model._meta.get_field(name).related_model: model._meta.get_field(name).related_model.editorial_parent_field()
                for name in model.editorial_related
            }
            for other in version.revision.version_set.exclude(pk=version.pk):
                row = other._object_version.object
                parent = parents.get(type(row))
                if parent is not None and str(getattr(row, parent.attname)) == version.object_id:
                    other._object_version.save()
    except IntegrityError as error:
        raise RecoveryError(
            f"“{version.object_repr}” cannot be recovered: another item now uses its address "
            "or name. Change that item first, then recover this one."
        ) from error
    return model._default_manager.get(pk=version.object_id)
