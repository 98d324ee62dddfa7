"""Covers, logos and PDFs are stored by the editorial storage (editorial.files): uploads are
cleaned and kept private until what they belong to is live; share links move to the
editorial app (the table stays: editorial 0001). Numbered after the citation, launch, hero-label and
slug-help migrations made alongside it. Files of drafts that were public until
now (never-published publications, a draft's new cover or added PDF) move to the private
store; files of live content stay where they are."""

from django.db import migrations, models

import editorial.files
import editorial.uploads


def withdraw_draft_files(apps, schema_editor):
    from editorial.files import withdraw_files

    Publication = apps.get_model("publications", "Publication")
    PublicationDocument = apps.get_model("publications", "PublicationDocument")
    PartnerOrganisation = apps.get_model("publications", "PartnerOrganisation")
    live, drafts = set(), set()
    for publication in Publication.objects.all():
        names = drafts if publication.status != "published" else live
        names.add(publication.cover.name)
        if publication.draft:
            drafts.add(publication.draft.get("cover") or "")
    for document in PublicationDocument.objects.select_related("publication"):
        published = document.publication.status == "published" and document.draft_change != "added"
        (live if published else drafts).add(document.file.name)
    for partner in PartnerOrganisation.objects.all():
        (live if partner.active else drafts).add(partner.logo.name)
        if partner.draft:
            drafts.add(partner.draft.get("logo") or "")
    withdraw_files((drafts - live) - {""})


class Migration(migrations.Migration):

    dependencies = [
        ('publications', '0014_slug_help_text_shows_its_placeholder'),
        ('editorial', '0001_preview_links_from_publications'),
    ]

    operations = [
        migrations.AlterField(
            model_name='partnerorganisation',
            name='logo',
            field=editorial.uploads.MetadataFreeImageField(height_field='logo_height', help_text='JPEG, PNG or WebP.', storage=editorial.files.editorial_storage, upload_to=editorial.uploads.ContentAddressedPath('logos', 'logo'), validators=[editorial.uploads.validate_image_upload], width_field='logo_width'),
        ),
        migrations.AlterField(
            model_name='publication',
            name='cover',
            field=editorial.uploads.MetadataFreeImageField(height_field='cover_height', help_text='JPEG, PNG or WebP.', storage=editorial.files.editorial_storage, upload_to=editorial.uploads.ContentAddressedPath('covers', 'cover'), validators=[editorial.uploads.validate_image_upload], verbose_name='front cover', width_field='cover_width'),
        ),
        migrations.AlterField(
            model_name='publicationdocument',
            name='file',
            field=models.FileField(storage=editorial.files.editorial_storage, upload_to=editorial.uploads.ContentAddressedPath('documents', 'file', extension='pdf'), validators=[editorial.uploads.validate_pdf_upload], verbose_name='PDF'),
        ),
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name='PreviewLink')]),
        migrations.RunPython(withdraw_draft_files, migrations.RunPython.noop),
    ]
