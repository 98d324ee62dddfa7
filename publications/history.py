"""Revisions of the site's content: who changed what and when, restore and recovery.

The revision store is django-reversion: every save, publish and deletion made through the
admin records a revision (a publication's revision includes its documents). This module
reads revisions back as field-by-field changes an editor can review (text as a word diff,
images as thumbnails), puts an old revision into the draft (never straight to live), and
recovers deleted items. Files survive deletion: stored names are content-addressed
(publications.uploads) and nothing removes them when a row is deleted, so recovering the
rows brings the same cover, logo and PDFs back.
"""

import datetime
import difflib
import re
from dataclasses import dataclass, field

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from reversion.models import Version

from reportsite.translated_content import translated_fields

from . import renditions
from .models import format_moment

# Related rows kept in the same revision as their item: a publication's documents.
FOLLOW = {"Publication": ("documents",)}
# The image of an item and its renditions, checked when the item is recovered.
IMAGES = {"Publication": ("cover", renditions.COVER), "PartnerOrganisation": ("logo", renditions.LOGO)}


def register_models():
    """Called once from the app's ready(): the models whose history is kept."""
    from .models import PartnerOrganisation, Publication, PublicationDocument, SiteContent

    for model in (Publication, PublicationDocument, PartnerOrganisation, SiteContent):
        if not reversion.is_registered(model):
            # XML keeps times to the microsecond (JSON keeps milliseconds): a recovered
            # page is then the same to the byte, "dateModified" included.
            reversion.register(model, follow=FOLLOW.get(model.__name__, ()), format="xml")


def record(obj, user, comment):
    """Store the stored state of `obj` (and what it follows) as one revision.

    Read from the database: the admin's instance may be a copy with its draft applied.
    Called before a deletion too: the revision is saved at the end of this block, while
    the rows still exist (reversion keeps versions of existing rows only).
    """
    stored = type(obj)._default_manager.get(pk=obj.pk)
    with reversion.create_revision(manage_manually=True):
        reversion.set_user(user if user and user.is_authenticated else None)
        reversion.set_comment(comment)
        reversion.add_to_revision(stored)


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
    return default_storage.url(name) if name else ""


def _display(model_field, value):
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
    """The changes between two dicts of `field_values`, in the model's field order."""
    changes = []
    for model_field in editable_fields(model):
        before, after = old.get(model_field.name), new.get(model_field.name)
        if before == after or (before in (None, "") and after in (None, "")):
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


def _document_changes(old_documents, new_documents):
    """Documents added, removed or changed between two revisions of a publication."""
    from .models import PublicationDocument

    changes = []
    for key in sorted(set(old_documents) | set(new_documents), key=int):
        before, after = old_documents.get(key), new_documents.get(key)
        name = str(after or before)
        if (after or before).draft_change:
            name = f"{name}, {(after or before).get_draft_change_display().lower()}"
        if before is None:
            changes.append(Change(f"Document added: {name}", "file", "(none)", after.file.name))
        elif after is None:
            changes.append(Change(f"Document removed: {name}", "file", before.file.name, "(none)"))
        else:
            if before.draft_change != after.draft_change:
                changes.append(Change(
                    f"Document {name}", "value",
                    before.get_draft_change_display(), after.get_draft_change_display(),
                ))
            old_values = {f.name: getattr(before, f.attname) for f in editable_fields(PublicationDocument)}
            new_values = {f.name: getattr(after, f.attname) for f in editable_fields(PublicationDocument)}
            old_values["file"], new_values["file"] = before.file.name, after.file.name
            for change in field_changes(PublicationDocument, old_values, new_values):
                change.label = f"Document {name}: {change.label.lower()}"
                changes.append(change)
    return changes


def history(obj, limit=100):
    """The item's revisions, newest first, each with its changes against the one before.

    A fixed number of queries whatever the number of revisions shown: the item's versions,
    then the documents' versions of those revisions.
    """
    versions = list(
        Version.objects.get_for_object(obj).select_related("revision__user")[: limit + 1]
    )
    return entries(type(obj), versions, limit)


def entries(model, versions, limit):
    documents_by_revision = {}
    if model.__name__ in FOLLOW:
        from .models import PublicationDocument

        document_type = ContentType.objects.get_for_model(PublicationDocument)
        for version in Version.objects.filter(
            revision__in=[v.revision_id for v in versions], content_type=document_type
        ):
            documents_by_revision.setdefault(version.revision_id, {})[version.object_id] = (
                version._object_version.object
            )
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
        if model.__name__ in FOLLOW:
            entry.changes += _document_changes(
                documents_by_revision.get(previous.revision_id, {}) if previous else {},
                documents_by_revision.get(version.revision_id, {}),
            )
        result.append(entry)
    return result


def version_of(model, object_id, version_id):
    return (
        Version.objects.get_for_object_reference(model, object_id)
        .select_related("revision__user")
        .get(pk=version_id)
    )


# --- Restoring and recovering ------------------------------------------------------------


def restore_as_draft(obj, version, user, use_draft=False):
    """Put an old revision's values (its live version, or the draft it had when
    `use_draft`) into the item's draft; what visitors see is unchanged."""
    live = type(obj)._default_manager.get(pk=obj.pk)
    values = field_values(version)
    if use_draft:
        values.update(draft_of(version) or {})
    with transaction.atomic():
        live.save_draft(values, user)
        if hasattr(live, "documents"):
            _restore_documents_as_draft(live, version, use_draft)
    when = timezone.localtime(version.revision.date_created)
    what = "The draft of the revision" if use_draft else "Revision"
    record(live, user, f"{what} of {format_moment(when)} restored as a draft.")
    return values


def _document_key(row):
    return (row.document_type, row.label, row.language, row.file.name, row.order)


def _restore_documents_as_draft(publication, version, use_draft):
    """Make the draft's documents those of the revision (its live ones, or its draft's):
    rows already there are kept, others marked removed in the draft, missing ones added
    to the draft as copies pointing at the same files. Visitors see none of it until the
    draft is published (Publication.publish_related)."""
    from .models import PublicationDocument

    change = PublicationDocument.DraftChange
    not_wanted = change.REMOVED if use_draft else change.ADDED
    document_type = ContentType.objects.get_for_model(PublicationDocument)
    wanted = [
        other._object_version.object
        for other in version.revision.version_set.filter(content_type=document_type)
    ]
    wanted = [
        row for row in wanted
        if row.publication_id == publication.pk and row.draft_change != not_wanted
    ]
    for row in publication.documents.all():
        match = next((w for w in wanted if _document_key(w) == _document_key(row)), None)
        if match is not None:
            wanted.remove(match)
            if row.draft_change == change.REMOVED:
                PublicationDocument.objects.filter(pk=row.pk).update(draft_change=change.NONE)
        elif row.draft_change == change.ADDED:
            row.delete()
        else:
            PublicationDocument.objects.filter(pk=row.pk).update(draft_change=change.REMOVED)
    for row in wanted:
        row.pk = row.id = None
        row._state.adding = True
        row.publication = publication
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


def recover(version, user):
    """Bring a deleted item back, with the documents of its last revision, and its files."""
    model = version._model
    if model._default_manager.filter(pk=version.object_id).exists():
        raise RecoveryError(f"“{version.object_repr}” exists: there is nothing to recover.")
    try:
        with transaction.atomic():
            # Only this item and its own documents: a revision may hold other items.
            version._object_version.save()
            for other in version.revision.version_set.exclude(pk=version.pk):
                row = other._object_version.object
                if str(getattr(row, "publication_id", "")) == version.object_id:
                    other._object_version.save()
            obj = model._default_manager.get(pk=version.object_id)
            image = IMAGES.get(model.__name__)
            if image:
                # Normally already right (the deletion's revision has them); made again
                # after the commit otherwise, as on every save.
                renditions.refresh_after_commit(obj, image[0], image[1])
            record(obj, user, "Recovered after deletion.")
    except IntegrityError as error:
        raise RecoveryError(
            f"“{version.object_repr}” cannot be recovered: another item now uses its address "
            "or name. Change that item first, then recover this one."
        ) from error
    return obj
