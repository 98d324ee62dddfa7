"""The seeded cookie policy pointed readers to the "Cookie settings" section for their consent
id and decisions, which are under "Your consent"; two French and one Spanish wording fixes
too (consent.seed.POLICY_CORRECTIONS). Only texts still exactly as seeded are changed."""

from django.db import migrations


def correct(apps, schema_editor):
    from consent.seed import correct_seeded_policy

    correct_seeded_policy(apps)


class Migration(migrations.Migration):
    dependencies = [("consent", "0007_purposes_and_policy_in_six_languages")]

    operations = [migrations.RunPython(correct, migrations.RunPython.noop)]
