"""An editor runs the site's content from the Django admin."""

import datetime
import io
import os

import pytest
from django.contrib.auth.models import Permission
from PIL import Image
from pypdf import PdfWriter

from editorial.cleaning import clean
from publications.models import Publication, SiteContent
from tests.conftest import image_bytes, in_english_columns

pytestmark = pytest.mark.django_db


def publication_form(**overrides):
    data = {
        "title": "Third Key Update: Open Questions",
        "slug": "third-key-update-open-questions",
        "kind": "key-update",
        "publication_date": "2026-02-10",
        "summary": "A look at the open questions.",
        "body": "",
        "cover_alt": "Front cover of the third key update",
        "external_url": "",
        # Publish is the only way to go live (a new item is a draft until then).
        "_publish": "Publish",
        "publish_at_0": "2026-01-01",
        "publish_at_1": "09:00:00",
        "hero_label": "",
        # The publication's documents, edited inline: none unless a test adds some.
        "documents-TOTAL_FORMS": "0",
        "documents-INITIAL_FORMS": "0",
    }
    if overrides.pop("status", None) == "draft":
        del data["_publish"]
    data.update(overrides)
    return in_english_columns(data)


def with_document(data, upload, **fields):
    """Add one inline document form (the publication's downloadable PDF) to the admin post."""
    data = dict(data)
    data.update(
        {
            "documents-TOTAL_FORMS": "1",
            "documents-0-document_type": fields.get("document_type", "full-report"),
            "documents-0-label": fields.get("label", ""),
            "documents-0-language": fields.get("language", "en"),
            "documents-0-order": "0",
            "documents-0-file": upload,
        }
    )
    return data


def pdf_bytes(pages=2):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def stored_files(media_root):
    return sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.exists() else []


def test_editor_adds_a_publication_that_appears_on_the_landing_page(
    editor_client, client, make_upload, media_root
):
    data = publication_form(cover=make_upload("cover.png"))
    response = editor_client.post("/admin/publications/publication/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]

    publication = Publication.objects.get(slug="third-key-update-open-questions")
    assert (publication.cover_width, publication.cover_height) == (400, 566)
    assert publication.cover.name.startswith("covers/third-key-update-open-questions-") and publication.cover.name.endswith(".png")

    editor_client.logout()
    html = client.get("/").content.decode()
    assert "Third Key Update: Open Questions" in html
    assert 'alt="Front cover of the third key update"' in html
    assert client.get(publication.cover.url).status_code == 200


def test_editor_uploads_a_real_pdf_with_the_publication(editor_client, make_upload):
    data = with_document(
        publication_form(
            cover=make_upload("cover.jpg", image_format="JPEG", content_type="image/jpeg")
        ),
        make_upload("report.pdf", content=pdf_bytes(), content_type="application/pdf"),
    )
    assert editor_client.post("/admin/publications/publication/add/", data).status_code == 302
    publication = Publication.objects.get()
    document = publication.documents.get()
    assert document.file.name.endswith(".pdf")
    assert (document.page_count, document.file_size) == (2, len(clean(pdf_bytes())))
    assert publication.cover.name.endswith(".jpg")


def _assert_rejected(response, message, media_root):
    assert response.status_code == 200
    errors = " ".join(str(e) for e in response.context["adminform"].form.errors.values())
    for formset in response.context["inline_admin_formsets"]:
        errors += " ".join(str(e) for e in formset.formset.errors)
    assert message in errors, errors
    assert Publication.objects.count() == 0
    assert stored_files(media_root) == []


def test_editor_uploading_text_renamed_png_gets_a_form_error(editor_client, make_upload, media_root):
    fake = make_upload("cover.png", content=b"This is plain text, not an image.\n" * 20)
    response = editor_client.post("/admin/publications/publication/add/", publication_form(cover=fake))
    _assert_rejected(response, "Upload a valid image", media_root)


def test_editor_uploading_an_oversized_image_gets_a_form_error(
    editor_client, make_upload, media_root, settings
):
    settings.MAX_IMAGE_UPLOAD_BYTES = 50_000
    noisy = io.BytesIO()
    # Random pixels do not compress, so this real PNG is about 270 kB.
    Image.frombytes("RGB", (300, 300), os.urandom(300 * 300 * 3)).save(noisy, "PNG")
    big = make_upload("huge.png", content=noisy.getvalue())
    assert big.size > settings.MAX_IMAGE_UPLOAD_BYTES
    response = editor_client.post("/admin/publications/publication/add/", publication_form(cover=big))
    _assert_rejected(response, "the largest image accepted is", media_root)


def test_editor_uploading_an_image_with_too_many_pixels_gets_a_form_error(
    editor_client, make_upload, media_root, settings
):
    settings.MAX_IMAGE_PIXELS = 1_000_000
    wide = make_upload("wide.png", width=2000, height=1000)
    response = editor_client.post("/admin/publications/publication/add/", publication_form(cover=wide))
    _assert_rejected(response, "2000 × 1000 pixels", media_root)


def test_editor_uploading_a_gif_gets_a_form_error(editor_client, make_upload, media_root):
    gif = make_upload("cover.png", image_format="GIF", content_type="image/png")
    response = editor_client.post("/admin/publications/publication/add/", publication_form(cover=gif))
    _assert_rejected(response, "only JPEG, PNG and WebP", media_root)


def test_editor_uploading_a_fake_pdf_gets_a_form_error(editor_client, make_upload, media_root):
    data = with_document(
        publication_form(cover=make_upload("cover.png")),
        make_upload("report.pdf", content=b"<html>not a pdf</html>", content_type="application/pdf"),
    )
    response = editor_client.post("/admin/publications/publication/add/", data)
    _assert_rejected(response, "not a PDF document", media_root)


def test_editor_uploading_a_damaged_pdf_gets_a_form_error(editor_client, make_upload, media_root):
    data = with_document(
        publication_form(cover=make_upload("cover.png")),
        make_upload("report.pdf", content=b"%PDF-1.7\n garbage " * 50, content_type="application/pdf"),
    )
    response = editor_client.post("/admin/publications/publication/add/", data)
    _assert_rejected(response, "damaged", media_root)


def test_editor_sees_thumbnails_filters_and_search(editor_client, make_publication):
    make_publication(title="Findable report", publication_date=datetime.date(2024, 3, 3))
    html = editor_client.get("/admin/publications/publication/").content.decode()
    assert 'class="admin-thumbnail"' in html
    for text in ("By kind", "By status", "By year", "Findable report"):
        assert text in html
    found = editor_client.get("/admin/publications/publication/?q=Findable&year=2024")
    assert "Findable report" in found.content.decode()
    assert "Findable report" not in editor_client.get(
        "/admin/publications/publication/?year=2023"
    ).content.decode()


def test_editor_edits_the_site_texts_but_cannot_add_or_delete_them(editor_client, client):
    SiteContent.load()
    response = editor_client.get("/admin/publications/sitecontent/")
    assert response.status_code == 302 and response["Location"].endswith("/sitecontent/1/change/")
    assert editor_client.get("/admin/publications/sitecontent/add/").status_code == 403
    assert editor_client.post("/admin/publications/sitecontent/1/delete/").status_code == 403
    response = editor_client.post(
        "/admin/publications/sitecontent/1/change/",
        in_english_columns({
            "site_name": "International AI Safety Report",
            "hero_title": "A new hero title",
            "hero_lead": "",
            "about_heading": "About us",
            "about_text": "Edited about text.",
            "_publish": "Publish",
        }),
    )
    assert response.status_code == 302
    assert SiteContent.objects.count() == 1
    html = client.get("/").content.decode()
    assert "A new hero title" in html and "Edited about text." in html


def test_editors_group_manages_content_but_not_users(editor):
    assert editor.has_perm("publications.add_publication")
    assert editor.has_perm("publications.change_partnerorganisation")
    assert editor.has_perm("publications.change_sitecontent")
    assert not editor.has_perm("auth.add_user")
    assert not editor.has_perm("auth.change_user")
    assert not Permission.objects.filter(group__name="Editors", content_type__app_label="auth").exists()


def test_editor_cannot_open_the_users_admin(editor_client):
    assert editor_client.get("/admin/auth/user/").status_code == 403


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_a_publications_old_single_pdf_becomes_its_first_document_on_migrate(media_root):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("publications", "0003_documents_markdown_citation_renditions")]
    after = [("publications", "0005_remove_publication_pdf")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    OldPublication = old_apps.get_model("publications", "Publication")
    pdf_name = default_storage.save("pdfs/report-0123456789abcdef.pdf", ContentFile(pdf_bytes(5)))
    cover_name = default_storage.save("covers/c.png", ContentFile(image_bytes()))
    OldPublication.objects.create(
        title="Old", slug="old", publication_date="2025-01-01", summary="s", cover=cover_name,
        cover_alt="c", pdf=pdf_name, body="First paragraph.\n\nSecond <script>x</script>",
        status="published",
    )
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        # The models as they were then: later migrations add columns this state lacks.
        migrated_apps = executor.loader.project_state(after).apps
        publication = migrated_apps.get_model("publications", "Publication").objects.get(slug="old")
        document = publication.documents.get()
        assert (document.document_type, document.language) == ("full-report", "en")
        assert document.file.name == pdf_name
        assert (document.page_count, document.file_size) == (5, len(pdf_bytes(5)))
        assert publication.body_html == "<p>First paragraph.</p>\n<p>Second </p>"
    finally:
        MigrationExecutor(connection).loader.build_graph()
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
