"""The hero's link labels become translatable: each label is copied into its English column
(pending drafts included), and the seeded labels get their translations."""

from django.db import migrations, models
from django.db.models import F


def copy_into_english_and_translate_seeded(apps, schema_editor):
    from publications.seed import translate_hero_labels

    Publication = apps.get_model("publications", "Publication")
    Publication.objects.update(hero_label_en=F("hero_label"))
    for publication in Publication.objects.filter(draft__isnull=False):
        if "hero_label" in publication.draft:
            publication.draft["hero_label_en"] = publication.draft.pop("hero_label")
            publication.save(update_fields=["draft"])
    publications = list(Publication.objects.exclude(hero_label=""))
    translate_hero_labels(publications)
    Publication.objects.bulk_update(
        publications, [f"hero_label_{code}" for code in ("fr", "es", "ru", "zh_hans", "ar")]
    )


def copy_back(apps, schema_editor):
    Publication = apps.get_model("publications", "Publication")
    Publication.objects.update(hero_label=F("hero_label_en"))


class Migration(migrations.Migration):

    dependencies = [
        ('publications', '0012_launch_publications_arxiv_ids_and_chair'),
    ]

    operations = [
        migrations.AddField(
            model_name='publication',
            name='hero_label_ar',
            field=models.CharField(blank=True, help_text='Text of the hero link; the title when empty.', max_length=120, null=True),
        ),
        migrations.AddField(
            model_name='publication',
            name='hero_label_en',
            field=models.CharField(blank=True, help_text='Text of the hero link; the title when empty.', max_length=120, null=True),
        ),
        migrations.AddField(
            model_name='publication',
            name='hero_label_es',
            field=models.CharField(blank=True, help_text='Text of the hero link; the title when empty.', max_length=120, null=True),
        ),
        migrations.AddField(
            model_name='publication',
            name='hero_label_fr',
            field=models.CharField(blank=True, help_text='Text of the hero link; the title when empty.', max_length=120, null=True),
        ),
        migrations.AddField(
            model_name='publication',
            name='hero_label_ru',
            field=models.CharField(blank=True, help_text='Text of the hero link; the title when empty.', max_length=120, null=True),
        ),
        migrations.AddField(
            model_name='publication',
            name='hero_label_zh_hans',
            field=models.CharField(blank=True, help_text='Text of the hero link; the title when empty.', max_length=120, null=True),
        ),
        migrations.RunPython(copy_into_english_and_translate_seeded, copy_back),
    ]
