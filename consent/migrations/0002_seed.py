from django.db import migrations


def seed(apps, schema_editor):
    from consent.seed import load_consent_seed

    load_consent_seed(apps)


class Migration(migrations.Migration):
    dependencies = [("consent", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
