"""The purposes' and the cookie policy's texts become content in six languages: the English
texts go into their `_en` columns, and the seeded ones get the translations that the
interface's catalogues held until now (consent.seed), so privacy officers can edit them."""

from django.db import migrations


def fill(apps, schema_editor):
    from consent.seed import fill_seeded_translations

    fill_seeded_translations(apps)


class Migration(migrations.Migration):
    dependencies = [("consent", "0006_translated_purposes_and_policy")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
