from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import pluralize
from tqdm import tqdm

from publications import renditions
from publications.models import PartnerOrganisation, Publication

# (model, image field, name of its RenditionSpec in publications.renditions)
IMAGES = [
    (Publication, "cover", "COVER"),
    (PartnerOrganisation, "logo", "LOGO"),
]


class Command(BaseCommand):
    help = (
        "Make the responsive renditions of every front cover and partner logo again, e.g. "
        "after the widths or quality in publications/renditions.py changed. Files whose "
        "content is unchanged are kept; pages switch to the new files at once."
    )

    def handle(self, *args, **options):
        jobs = [
            (instance, field, getattr(renditions, spec))
            for model, field, spec in IMAGES
            for instance in model.objects.exclude(**{field: ""}).order_by("pk")
        ]
        totals = {"images": 0, "written": 0, "unchanged": 0}
        failures = []
        progress = tqdm(
            jobs,
            desc="Renditions",
            unit="image",
            file=self.stderr._out,
            disable=options["verbosity"] == 0,
        )
        for instance, field, spec in progress:
            name = getattr(instance, field).name
            progress.set_postfix_str(name[-40:], refresh=False)
            try:
                counts = renditions.refresh(instance, field, spec, force=True)
            except (OSError, ValueError, SyntaxError) as error:
                # A missing or unreadable original: report it and go on with the others.
                failures.append(f"{instance._meta.verbose_name} “{instance}” ({name}): {error}")
                continue
            totals["images"] += 1
            totals["written"] += counts["written"]
            totals["unchanged"] += counts["unchanged"]
        progress.close()

        self.stdout.write(
            f"Renditions made for {totals['images']} of {len(jobs)} images: "
            f"{totals['written']} file{pluralize(totals['written'])} written, "
            f"{totals['unchanged']} already up to date."
        )
        if failures:
            for failure in failures:
                self.stderr.write(f"Failed: {failure}")
            raise CommandError(f"{len(failures)} image(s) could not be processed; see above.")
        self.stdout.write(self.style.SUCCESS("All renditions are up to date."))
