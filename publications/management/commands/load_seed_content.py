from django.core.management.base import BaseCommand

from publications.seed import load_seed_content


class Command(BaseCommand):
    help = "Load the site's real launch content. Safe to run again: existing content is never changed."

    def handle(self, *args, **options):
        created = load_seed_content()
        if not created:
            self.stdout.write("Seed content already present: nothing changed.")
            return
        for line in created:
            self.stdout.write(f"Created {line}.")
        self.stdout.write(self.style.SUCCESS(f"Seed content loaded ({len(created)} items)."))
