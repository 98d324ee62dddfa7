"""No lost edits: optimistic concurrency for the edit page of draftable content.

The edit form carries a version stamp: the id of the item's latest revision when the page
was opened (every operation records one, editorial.actions). When a save arrives with an
older stamp, someone saved since: the form is not saved; it comes back with a conflict
panel naming who changed what and when, both versions of every field that differs (theirs
as saved, the editor's as typed, files kept), and the choice: save theirs over with
yours (submit again: the stamp is now current), or reload to take theirs. Opening an item
whose latest change was someone else's shows who and when.
"""

from dataclasses import dataclass, field

from django.db.models import FileField
from reversion.models import Version

from .models import comparable, format_moment

STAMP = "_editorial_version"
BASELINE_COMMENT = "As it was before its history was kept."


def _versions(model, object_id):
    return (
        Version.objects.get_for_object_reference(model, object_id)
        .exclude(revision__comment=BASELINE_COMMENT)
        .select_related("revision__user")
        .order_by("-pk")
    )


def current_stamp(model, object_id):
    latest = _versions(model, object_id).first()
    return str(latest.pk) if latest else "0"


def _who(user):
    return user.get_username() if user else "someone"


@dataclass
class Conflict:
    newer: list  # the versions saved since the editor opened the page, newest first
    stamp: str
    differences: list = field(default_factory=list)

    @property
    def message(self):
        latest = self.newer[0].revision
        return (
            f"{_who(latest.user)} saved this item at {format_moment(latest.date_created)}, after you "
            "opened it. Nothing was saved: compare both versions below, then choose."
        )

    @property
    def changes(self):
        return [
            f"{_who(v.revision.user)}, {format_moment(v.revision.date_created)}: {v.revision.comment}"
            for v in self.newer
        ]

    def compare(self, theirs, cleaned_data):
        model = type(theirs)
        columns = set(model.draft_columns())
        for name, yours in cleaned_data.items():
            if name not in columns:
                continue
            model_field = model._meta.get_field(name)
            their_value = getattr(theirs, name)
            if comparable(model_field, their_value) == comparable(model_field, yours):
                continue
            self.differences.append({
                "label": str(model_field.verbose_name).capitalize(),
                "theirs": _shown(model_field, their_value),
                "yours": _shown(model_field, yours),
            })


def _shown(model_field, value):
    if isinstance(model_field, FileField):
        return getattr(value, "name", None) or "(no file)"
    value = comparable(model_field, value)
    return "(empty)" if value in (None, "") else str(value)


def detect(request, model, object_id):
    """The Conflict of this save, or None (no stamp sent: a client without the form)."""
    posted = request.POST.get(STAMP)
    if posted is None:
        return None
    newer = list(_versions(model, object_id))
    current = str(newer[0].pk) if newer else "0"
    if posted == current:
        return None
    if posted.isascii() and posted.isdigit():
        newer = [version for version in newer if version.pk > int(posted)]
    return Conflict(newer=newer or [], stamp=current) if newer else None


def checked_form(form_class, request, warnings):
    """The admin's form class, refusing a save over a newer version and, on Publish,
    what needs the editor's confirmation (`warnings(request, form)`)."""

    class EditorialForm(form_class):
        def clean(self):
            cleaned = super().clean()
            conflict = getattr(request, "editorial_conflict", None)
            stored = getattr(request, "editorial_stored", None)
            if conflict is not None and stored is not None:
                conflict.compare(stored.with_draft(), self.cleaned_data)
                self.add_error(None, conflict.message)
            found = warnings(request, self)
            request.editorial_publication_warnings = found
            for name, message in found:
                self.add_error(name if name in self.fields else None, message)
            return cleaned

    EditorialForm.__name__ = form_class.__name__
    EditorialForm.__qualname__ = form_class.__qualname__
    return EditorialForm


def context(request, live, page_context):
    """The edit page's stamp, conflict panel and "changed by someone else" notice."""
    if live is None:
        return {}
    conflict = getattr(request, "editorial_conflict", None)
    latest = _versions(type(live), live.pk).first()
    notice = ""
    if latest is not None and latest.revision.user_id not in (None, request.user.pk) and conflict is None:
        notice = (
            f"Last changed by {_who(latest.revision.user)} at "
            f"{format_moment(latest.revision.date_created)}: {latest.revision.comment}"
        )
    return {
        "editorial_stamp_name": STAMP,
        "editorial_version": conflict.stamp if conflict else (str(latest.pk) if latest else "0"),
        "editorial_conflict": conflict,
        "editorial_changed_by_other": notice,
    }
