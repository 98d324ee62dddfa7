"""File addresses that never break.

A public file (a publication's PDF) is stored under a name that changes with its content,
so a corrected file gets a new media address. Citations must keep working, so:

- each file sits in a *slot* of its owner (publication X, full report, French), which has
  a stable address that always leads to the slot's current file (a redirect, which
  browsers follow keeping any `#page=58`);
- every file a slot ever had is recorded (`FileVersion`, numbered 1, 2, ...); its old media
  address redirects to the stable address (never to the old content), and the exact old
  file stays reachable at its version address.

An app registers how to read its slots with `register(model, slots)`, where `slots` is a
`FileSlots` subclass instance (see publications.file_addresses), and calls `record()`
whenever a file becomes public. The media view asks `moved_file_address(name)` before
serving a file (reportsite.media.register_moved_files).

Redirects from old media addresses need media to be served through Django (the default,
single-server setup, and nginx in front of it). With MEDIA_STORAGE=s3 the bucket answers
media addresses itself: old addresses keep serving the old file there, while stable and
version addresses work as everywhere.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Max

from .models import FileVersion

_slots_by_model = {}


class FileSlots:
    """How an owner model's files are addressed; subclasses answer each method."""

    def current_name(self, owner, slot):
        """The stored name of the slot's current public file, or "" when it has none."""
        raise NotImplementedError

    def is_public(self, owner):
        """Visitors may see the owner now (else its addresses are 404s)."""
        raise NotImplementedError

    def stable_url(self, owner, slot):
        raise NotImplementedError

    def version_url(self, owner, slot, number):
        raise NotImplementedError


def register(model, slots):
    _slots_by_model[model] = slots


def slots_for(model):
    return _slots_by_model[model]


def record(owner, slot, name):
    """Remember that `name` is (or was) a public file of `owner`'s `slot`; returns its
    FileVersion. Recording the same file again changes nothing."""
    owner_type = ContentType.objects.get_for_model(owner)
    lookup = {"owner_type": owner_type, "owner_id": owner.pk, "slot": slot}
    for _attempt in range(3):
        existing = FileVersion.objects.filter(**lookup, name=name).first()
        if existing is not None:
            return existing
        number = (FileVersion.objects.filter(**lookup).aggregate(n=Max("number"))["n"] or 0) + 1
        try:
            with transaction.atomic():
                return FileVersion.objects.create(**lookup, name=name, number=number)
        except IntegrityError:
            continue  # another process recorded a version at the same moment: read again
    raise RuntimeError(f"Could not record a version of {slot} of {owner!r}.")


def versions(owner, slot):
    return FileVersion.objects.filter(
        owner_type=ContentType.objects.get_for_model(owner), owner_id=owner.pk, slot=slot
    )


def version(owner, slot, number):
    return versions(owner, slot).filter(number=number).first()


def moved_file_address(name):
    """Where an old media address now leads: the stable address of its slot when the file
    is no longer current, the exact old file when the slot has no current file, or None
    (serve the file as it is: it is current, or not a recorded public file)."""
    for recorded in FileVersion.objects.filter(name=name).select_related("owner_type"):
        model = recorded.owner_type.model_class()
        slots = _slots_by_model.get(model)
        owner = recorded.owner
        if slots is None or owner is None or not slots.is_public(owner):
            continue
        current = slots.current_name(owner, recorded.slot)
        if current == name:
            return None
        if current:
            return slots.stable_url(owner, recorded.slot)
        return slots.version_url(owner, recorded.slot, recorded.number)
    return None
