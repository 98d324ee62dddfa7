"""Walk the consent records' hash chain and name the first record altered or removed."""

from django.core.management.base import BaseCommand, CommandError

from consent import chain


class Command(BaseCommand):
    help = "Verify that no consent record was altered or removed (exit status 1 if one was)."

    def handle(self, *args, **options):
        result = chain.verify()
        if not result.ok:
            raise CommandError(
                f"Consent records FAILED verification: {result.problem}. "
                f"{result.checked} record(s) before it verified."
            )
        self.stdout.write(f"Consent records verified: {result.checked} record(s), chain intact.")
