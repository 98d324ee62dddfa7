"""Publishing an edition version: the one action that makes imported content visible.

`PublishEditionVersion(user, version)` checks the user's permission and the pre-publish
checks (editions.checks), copies the version's figure files from private storage to the
public media storage, marks the version published and makes it the edition's current
version, in one transaction. `Unpublish` takes a version off the site (the previous
published one becomes current again). Both are plain objects so that the editorial core
can register them as its actions for editions.
"""

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from . import checks, conf
from .models import EditionVersion

PUBLISH_PERMISSION = "editions.publish_editionversion"


class ActionRefused(Exception):
    """The action cannot be done; the message says why, for the editor."""


class PublishEditionVersion:
    name = "publish"
    label = "Publish this version"

    def __init__(self, user, version):
        self.user = user
        self.version = version

    @staticmethod
    def can_preview(user, version):
        return user.is_active and user.is_staff and user.has_perm("editions.view_editionversion")

    @staticmethod
    def allowed(user):
        return user.is_active and user.is_staff and user.has_perm(PUBLISH_PERMISSION)

    def problems(self):
        return checks.run(self.version)

    def execute(self, operator=False):
        """Publish; `operator=True` for management commands (run by whoever runs the site)."""
        if not operator and not self.allowed(self.user):
            raise ActionRefused("You do not have permission to publish editions.")
        version = self.version
        if version.is_published:
            raise ActionRefused(f"Version {version.number} is already published.")
        blocking = [item for item in self.problems() if item.blocking]
        if blocking:
            raise ActionRefused(
                f"Publishing is refused while {len(blocking)} blocking item(s) are open: "
                + "; ".join(item.message for item in blocking[:5])
            )
        publish_files(version)
        with transaction.atomic():
            locked = EditionVersion.objects.select_for_update().get(pk=version.pk)
            locked.status = EditionVersion.Status.PUBLISHED
            locked.published_at = timezone.now()
            locked.files_public = True
            locked.save(update_fields=["status", "published_at", "files_public"])
            edition = locked.edition
            edition.current_version = locked
            edition.save(update_fields=["current_version"])
        self.version = locked
        return locked


class UnpublishEditionVersion:
    name = "unpublish"
    label = "Take this version off the site"

    def __init__(self, user, version):
        self.user = user
        self.version = version

    def execute(self):
        if not PublishEditionVersion.allowed(self.user):
            raise ActionRefused("You do not have permission to unpublish editions.")
        with transaction.atomic():
            version = EditionVersion.objects.select_for_update().get(pk=self.version.pk)
            version.status = EditionVersion.Status.DRAFT
            version.save(update_fields=["status"])
            edition = version.edition
            edition.current_version = (
                edition.versions.filter(status=EditionVersion.Status.PUBLISHED).order_by("-number").first()
            )
            edition.save(update_fields=["current_version"])
        return version


def version_files(version):
    names = set()
    for image, renditions in version.figures.values_list("image", "renditions"):
        if image:
            names.add(image)
        for rendition in (renditions or {}).get("webp", []):
            names.add(rendition["name"])
        fallback = (renditions or {}).get("fallback")
        if fallback:
            names.add(fallback["name"])
    return sorted(names)


def publish_files(version):
    """Copy a version's figure files to the public media storage (same names)."""
    private = conf.private_storage()
    for name in version_files(version):
        if default_storage.exists(name) or not private.exists(name):
            continue
        with private.open(name, "rb") as source:
            default_storage.save(name, File(source, name=name))
