"""One-off clean-up of files stored before uploads were cleaned (issue 8, point 5).

Run once after deploying: `manage.py strip_image_metadata`. Safe to run again (it then
finds nothing to do).
"""

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import pluralize

from editorial import cleaning, files
from publications import renditions
from publications.models import PartnerOrganisation, Publication, PublicationDocument
from reportsite.pagecache import content_changed

# (model, file field, RenditionSpec or None for files that are not images)
FILES = [
    (Publication, "cover", renditions.COVER),
    (PartnerOrganisation, "logo", renditions.LOGO),
    (PublicationDocument, "file", None),
]


class Command(BaseCommand):
    help = (
        "Remove EXIF, XMP and IPTC data (GPS position, camera, names) from the front covers "
        "and logos already stored, and document information, XMP, scripts and attachments "
        "from the PDFs, and rename stored files (documents included) after their "
        "item instead of the uploader's file name. The old files and renditions are deleted, "
        "so their addresses stop working; pages switch to the new files at once."
    )

    def handle(self, *args, **options):
        totals = {"cleaned": 0, "renamed": 0, "unchanged": 0}
        failures = []
        for model, field_name, spec in FILES:
            for instance in model.objects.exclude(**{field_name: ""}).order_by("pk"):
                try:
                    outcome = self.clean(instance, field_name, spec)
                except (OSError, ValueError, SyntaxError) as error:
                    failures.append(f"{model._meta.verbose_name} “{instance}”: {error}")
                    continue
                totals[outcome] += 1
        if totals["cleaned"] or totals["renamed"]:
            content_changed()
        self.stdout.write(
            f"{totals['cleaned']} file{pluralize(totals['cleaned'])} cleaned of metadata, "
            f"{totals['renamed']} file{pluralize(totals['renamed'])} only renamed, "
            f"{totals['unchanged']} already clean."
        )
        if failures:
            for failure in failures:
                self.stderr.write(f"Failed: {failure}")
            raise CommandError(f"{len(failures)} file(s) could not be processed; see above.")

    def clean(self, instance, field_name, spec):
        field_file = getattr(instance, field_name)
        storage, old_name = field_file.storage, field_file.name
        with storage.open(old_name, "rb") as stored:
            data = stored.read()
        cleaned = cleaning.clean(data)
        content = ContentFile(cleaned)
        new_name = field_file.field.upload_to.name_for(instance, content, old_name)
        if new_name == old_name:
            return "unchanged"
        was_public = files.public_storage().exists(old_name)
        if not storage.exists(new_name):
            new_name = storage.save(new_name, files.cleaned_file(cleaned))
        if was_public:
            files.publish_files({new_name})
        model = type(instance)
        model._default_manager.filter(pk=instance.pk).update(**{field_name: new_name})
        field_file.name = new_name
        if spec:
            store = f"{field_name}_renditions"
            old_renditions = getattr(instance, store) or {}
            renditions.refresh(instance, field_name, spec)
            kept = _rendition_names(getattr(instance, store))
            for name in _rendition_names(old_renditions) - kept:
                files.public_storage().delete(name)
        if not model._default_manager.filter(**{field_name: old_name}).exists():
            # Off the public store; the private store keeps it for the item's history.
            files.withdraw_files({old_name})
        return "cleaned" if cleaned != data else "renamed"


def _rendition_names(stored):
    if not stored:
        return set()
    return {entry["name"] for entry in [*stored.get("webp", []), stored.get("fallback")] if entry}
