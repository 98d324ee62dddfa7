"""The texts written before the site had translatable content are English: copy each into
its `_en` column (django-modeltranslation reads those), pending drafts included."""

from django.db import migrations
from django.db.models import F

TRANSLATED = {
    "Publication": ("title", "summary", "body", "body_html", "cover_alt"),
    "PartnerOrganisation": ("name", "description", "logo_alt"),
    "SiteContent": ("hero_title", "hero_lead", "about_heading", "about_text"),
}


OTHER_LANGUAGES = ("fr", "es", "ru", "zh_hans", "ar")


def copy_into_english(apps, schema_editor):
    for model_name, fields in TRANSLATED.items():
        model = apps.get_model("publications", model_name)
        # No translation exists yet: columns that received a field's (English) default
        # when they were added are emptied, so they read as missing, not as translated.
        model.objects.update(
            **{f"{field}_en": F(field) for field in fields},
            **{f"{field}_{code}": None for field in fields for code in OTHER_LANGUAGES},
        )
        for item in model.objects.filter(draft__isnull=False):
            item.draft = {
                (f"{key}_en" if key in fields else key): value for key, value in item.draft.items()
            }
            item.save(update_fields=["draft"])


def copy_back(apps, schema_editor):
    for model_name, fields in TRANSLATED.items():
        model = apps.get_model("publications", model_name)
        model.objects.update(**{field: F(f"{field}_en") for field in fields})


class Migration(migrations.Migration):
    dependencies = [("publications", "0008_translated_texts_in_six_languages")]

    operations = [migrations.RunPython(copy_into_english, copy_back)]
