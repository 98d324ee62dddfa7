"""An editor whose form fails for one reason never loses the rest: valid files are kept,
every error is listed at the top with a link to its field, and current images show."""

import hashlib
import os
import re
import time

import pytest

from editorial import conf, pending_uploads
from publications.models import Publication
from tests.accessibility import assert_axe_clean
from tests.conftest import STAFF_PASSWORD, image_bytes, in_english_columns
from tests.test_editor_manages_content import pdf_bytes, publication_form, with_document

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/publications/publication/add/"


@pytest.fixture(autouse=True)
def private_pending_folder(settings, tmp_path):
    settings.PENDING_UPLOADS_DIR = tmp_path / "pending"
    return settings.PENDING_UPLOADS_DIR


def kept_token(html, field="cover"):
    match = re.search(rf'name="{re.escape(field)}-kept" value="([^"]+)"', html)
    assert match, f"no kept file for {field}"
    return match.group(1)


def sha(data):
    return hashlib.sha256(data).hexdigest()


def test_valid_cover_is_kept_when_the_pdf_is_bad_and_the_next_save_uses_it(
    editor_client, make_upload, private_pending_folder
):
    cover = image_bytes(colour=(200, 30, 30))
    bad_pdf = make_upload("report.pdf", content=b"<html>not a pdf</html>", content_type="application/pdf")
    first = editor_client.post(
        ADD_URL, with_document(publication_form(cover=make_upload("cover.png", content=cover)), bad_pdf)
    )
    assert first.status_code == 200
    html = first.content.decode()
    assert "Kept: cover.png" in html and "uploaded a moment ago" in html
    assert "choose another file to replace it" in html
    token = kept_token(html)
    # The browser does not insist on a new file for a kept one.
    assert not re.search(r'<input type="file" name="cover"[^>]*required', html)
    assert Publication.objects.count() == 0

    second_data = with_document(
        publication_form(**{"cover-kept": token}),
        make_upload("report.pdf", content=pdf_bytes(), content_type="application/pdf"),
    )
    second = editor_client.post(ADD_URL, second_data)
    assert second.status_code == 302, second.content.decode()[:3000]
    publication = Publication.objects.get()
    with publication.cover.open("rb") as stored:
        assert sha(stored.read()) == sha(cover), "the cover is the one first chosen"
    assert publication.documents.get().page_count == 2


def test_a_new_file_replaces_the_kept_one(editor_client, make_upload):
    bad_pdf = make_upload("report.pdf", content=b"nope", content_type="application/pdf")
    first = editor_client.post(
        ADD_URL, with_document(publication_form(cover=make_upload("first.png")), bad_pdf)
    )
    token = kept_token(first.content.decode())
    replacement = image_bytes(colour=(0, 120, 0))
    second = editor_client.post(
        ADD_URL,
        publication_form(**{"cover-kept": token, "cover": make_upload("second.png", content=replacement)}),
    )
    assert second.status_code == 302
    with Publication.objects.get().cover.open("rb") as stored:
        assert sha(stored.read()) == sha(replacement)


def test_valid_pdf_is_kept_when_the_main_form_fails(editor_client, make_upload):
    data = with_document(
        publication_form(title="", cover=make_upload("cover.png")),
        make_upload("report.pdf", content=pdf_bytes(3), content_type="application/pdf"),
    )
    first = editor_client.post(ADD_URL, data)
    html = first.content.decode()
    assert "Kept: report.pdf" in html
    data = with_document(
        publication_form(**{"cover-kept": kept_token(html)}), "",
    )
    data["documents-0-file-kept"] = kept_token(html, "documents-0-file")
    del data["documents-0-file"]
    second = editor_client.post(ADD_URL, data)
    assert second.status_code == 302, second.content.decode()[:3000]
    assert Publication.objects.get().documents.get().page_count == 3


def test_a_tampered_or_foreign_token_restores_nothing(editor_client, make_upload, django_user_model):
    first = editor_client.post(
        ADD_URL,
        with_document(
            publication_form(cover=make_upload("cover.png")),
            make_upload("r.pdf", content=b"x", content_type="application/pdf"),
        ),
    )
    token = kept_token(first.content.decode())
    response = editor_client.post(ADD_URL, publication_form(**{"cover-kept": token[:-2] + "xx"}))
    assert response.status_code == 200
    assert "no longer available" in response.content.decode()
    assert "This field is required" in response.content.decode()
    other = django_user_model.objects.create_user("other", is_staff=True)
    assert pending_uploads.restore(token, other) is None
    assert Publication.objects.count() == 0


def test_kept_files_expire(editor, make_upload, private_pending_folder):
    kept = pending_uploads.keep(make_upload("cover.png"), editor)
    assert pending_uploads.restore(kept.token, editor) is not None
    (path,) = private_pending_folder.iterdir()
    long_ago = time.time() - conf.pending_upload_max_age() - 10
    os.utime(path, (long_ago, long_ago))
    assert pending_uploads.delete_expired() == 1
    assert pending_uploads.restore(kept.token, editor) is None


def test_every_error_is_listed_at_the_top_with_a_link_to_its_field(editor_client, make_upload):
    data = with_document(
        publication_form(title="", slug="not a slug!", cover=make_upload("cover.png")),
        make_upload("report.pdf", content=b"%PDF-1.7 garbage" * 20, content_type="application/pdf"),
        document_type="other",
    )
    html = editor_client.post(ADD_URL, data).content.decode()
    summary = re.search(r'<div class="error-summary" role="alert"[^>]*>(.*?)</div>', html, re.S)
    assert summary, "no error summary"
    assert "There is a problem" in summary.group(1)
    links = dict(re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary.group(1)))
    assert links["id_title_en"].startswith("Title [en]: This field is required")
    assert "id_slug" in links
    assert "damaged" in links["id_documents-0-file"]
    assert links["id_documents-0-label"].startswith("Downloadable document 1, Label: Name this")
    for target in ("id_title_en", "id_slug", "id_documents-0-file", "id_documents-0-label"):
        assert f'id="{target}"' in html, target
    # Still shown at the fields too.
    assert html.count('class="errorlist') >= 4


def test_edit_page_shows_the_current_cover_and_logo_as_thumbnails(
    editor_client, make_publication, make_partner
):
    publication = make_publication()
    html = editor_client.get(f"/admin/publications/publication/{publication.pk}/change/").content.decode()
    smallest = publication.cover_renditions["webp"][0]["name"]
    assert re.search(rf'<img src="/media/{re.escape(smallest)}" alt="The current image"', html)
    partner = make_partner()
    html = editor_client.get(
        f"/admin/publications/partnerorganisation/{partner.pk}/change/"
    ).content.decode()
    assert f'/media/{partner.logo_renditions["webp"][0]["name"]}" alt="The current image"' in html


@pytest.mark.django_db(transaction=True)
def test_in_the_browser_a_bad_pdf_keeps_the_cover_and_the_fixed_form_saves_it(
    live_server, page, editor, tmp_path, private_pending_folder
):
    cover = image_bytes(colour=(30, 90, 160))
    (tmp_path / "cover.png").write_bytes(cover)
    (tmp_path / "report.pdf").write_bytes(b"<html>this is not a PDF</html>")
    (tmp_path / "fixed-report.pdf").write_bytes(pdf_bytes(4))

    page.goto(live_server.url + "/admin/login/?next=" + ADD_URL)
    page.fill("#id_username", "editor")
    page.fill("#id_password", STAFF_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**" + ADD_URL)
    page.fill("#id_title_en", "Fourth Key Update")
    page.fill("#id_publication_date", "2026-03-01")
    page.fill("#id_summary_en", "Chosen once, kept after an error.")
    page.set_input_files("#id_cover", str(tmp_path / "cover.png"))
    page.fill("#id_cover_alt_en", "Front cover of the fourth key update")
    page.get_by_role("button", name=re.compile("Add another")).click()
    page.set_input_files("#id_documents-0-file", str(tmp_path / "report.pdf"))
    page.click("input[name=_save]")

    summary = page.locator(".error-summary")
    summary.wait_for()
    assert "There is a problem" in summary.inner_text()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    link = summary.get_by_role("link", name=re.compile("not a PDF document"))
    assert link.get_attribute("href") == "#id_documents-0-file"
    assert "Kept: cover.png" in page.locator(".kept-upload").inner_text()
    assert_axe_clean(page)

    # Only the PDF is chosen again.
    page.set_input_files("#id_documents-0-file", str(tmp_path / "fixed-report.pdf"))
    page.click("input[name=_save]")
    # Saved as a draft (Publish is the only way to go live): its edit page comes back.
    page.wait_for_url(re.compile(r"/admin/publications/publication/\d+/change/$"))
    publication = Publication.objects.get()
    with publication.cover.open("rb") as stored:
        assert sha(stored.read()) == sha(cover), "the cover is the one first chosen"
    assert publication.documents.get().page_count == 4

    # The edit page of the saved publication: its cover as a thumbnail, the document in
    # the table, every input labelled.
    page.goto(f"{live_server.url}/admin/publications/publication/{publication.pk}/change/")
    # The thumbnail is loading="lazy": the page's load event does not wait for it.
    page.wait_for_function(
        "() => { const img = document.querySelector('.current-image img');"
        " return img && img.complete && img.naturalWidth > 0; }", timeout=15_000,
    )
    assert_axe_clean(page)


def test_partner_logo_is_kept_when_the_website_is_wrong(editor_client, make_upload):
    from publications.models import PartnerOrganisation

    logo = image_bytes(300, 100, colour=(10, 10, 10))
    data = in_english_columns({"name": "Gamma Lab", "website": "not a web address",
                               "logo_alt": "Gamma Lab logo", "description": "", "order": "0",
                               "active": "on"})
    url = "/admin/publications/partnerorganisation/add/"
    first = editor_client.post(url, {**data, "logo": make_upload("gamma.png", content=logo)})
    html = first.content.decode()
    assert '<a href="#id_website">Website: Enter a valid URL.</a>' in html
    assert "Kept: gamma.png" in html
    second = editor_client.post(url, {**data, "website": "https://gamma.example/",
                                      "logo-kept": kept_token(html, "logo")})
    assert second.status_code == 302, second.content.decode()[:2000]
    with PartnerOrganisation.objects.get().logo.open("rb") as stored:
        assert sha(stored.read()) == sha(logo)
