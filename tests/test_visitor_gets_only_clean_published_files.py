"""Whatever way a file reaches a visitor (added, changed in a draft, previewed, shared,
published, scheduled, restored, recovered), it carries no metadata and no script; a file
only a draft has is private until it is published, and dies with the link or the draft.

Each path uploads a JPEG and a PNG carrying GPS, XMP, text chunks and trailing bytes and a
PDF with Author, Creator, XMP, an OpenAction JavaScript and an embedded file, then fetches
every media address the site links to and reads every file in the public store.
"""

import io
import re
import zlib
from pathlib import Path

import pikepdf
import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from editorial import cleaning
from editorial.image_metadata import metadata_found
from editorial.models import PreviewLink
from publications.models import Publication
from tests.test_editor_drafts_live_content import change_form_data, change_url
from tests.test_editor_manages_content import publication_form, with_document
from tests.test_visitor_downloads_images_without_metadata import XMP, photo_with_metadata

pytestmark = pytest.mark.django_db

ADMIN = "/admin/publications/publication/"
TRAILER = b"TRAILING-SECRET jane-at-home"
SECRETS = [
    b"SecretCam", b"Jane Photographer", b"jane-at-home", b"Jane XMP", b"TRAILING-SECRET",
    b"Jane Author", b"C:/Users/jane", b"JANE-SCRIPT", b"JANE-ATTACHMENT", b"/JavaScript",
    b"/OpenAction", b"/EmbeddedFile",
]


def dirty_jpeg(colour_seed=0):
    return photo_with_metadata("JPEG", size=(600 + colour_seed, 400)) + TRAILER


def dirty_png(colour=(200, 40, 40)):
    info = PngInfo()
    info.add_text("Author", "Jane Photographer")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    info.add_text("Comment", "jane-at-home", zip=True)
    buffer = io.BytesIO()
    Image.new("RGB", (500, 700), colour).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue() + TRAILER


def dirty_pdf(pages=2):
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(300, 400))
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta["dc:creator"] = ["Jane XMP"]
    pdf.docinfo["/Author"] = "Jane Author"
    pdf.docinfo["/Creator"] = "C:/Users/jane/Documents/report.docx"
    pdf.Root.OpenAction = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Action, S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('JANE-SCRIPT')"),
    ))
    pdf.attachments["notes.txt"] = pikepdf.AttachedFileSpec(pdf, b"JANE-ATTACHMENT private notes", filename="notes.txt")
    buffer = io.BytesIO()
    pdf.save(buffer, compress_streams=False)
    return buffer.getvalue()


def test_the_test_files_really_carry_metadata_and_scripts():
    jpeg, png, pdf = dirty_jpeg(), dirty_png(), dirty_pdf()
    assert metadata_found(jpeg) and jpeg.endswith(TRAILER)
    assert metadata_found(png) and png.endswith(TRAILER)
    found = cleaning.metadata_found(pdf)
    assert {"document information", "/OpenAction", "JavaScript action", "embedded file", "/Metadata"} <= set(found)
    assert b"Jane Author" in pdf and b"JANE-SCRIPT" in pdf


def _inflated(data):
    """The PDF's streams decompressed too, so that a secret cannot hide in one."""
    parts = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            parts.append(zlib.decompress(match[1]))
        except zlib.error:
            pass
    return b"".join(parts)


def assert_clean(data, where):
    if data.startswith(b"%PDF-"):
        assert cleaning.metadata_found(data) == [], where
        with pikepdf.open(io.BytesIO(data)) as pdf:
            assert len(pdf.attachments) == 0, where
        text = _inflated(data)
    else:
        assert metadata_found(data) == [], (where, metadata_found(data))
        assert not data.endswith(TRAILER), where
        with Image.open(io.BytesIO(data)) as image:
            assert not getattr(image, "text", None), where
        text = data
    for secret in SECRETS:
        assert secret not in text, (where, secret)


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def file_urls(html):
    urls = set(re.findall(r'(?:src|href|content)="([^"]*/(?:media|files)/[^"]*)"', html))
    for srcset in re.findall(r'srcset="([^"]*)"', html):
        urls.update(part.split()[0] for part in srcset.split(","))
    return {re.sub(r"^https?://[^/]+", "", url) for url in urls}


def check_everything_public(visitor, publication=None):
    """Every media address of every public page, and every file of the public store."""
    pages = ["/", "/publications/", "/publications/feed/"]
    if publication is not None:
        pages.append(publication.get_absolute_url())
    checked = 0
    for path in pages:
        for url in file_urls(visitor.get(path).content.decode()):
            response = visitor.get(url)
            assert response.status_code == 200, url
            assert_clean(body(response), url)
            checked += 1
    public = Path(settings.MEDIA_ROOT)
    for path in public.rglob("*"):
        if path.is_file():
            assert_clean(path.read_bytes(), path)
    private = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    assert public.resolve() not in private.parents
    return checked


def add_publication(editor_client, capture, **fields):
    data = with_document(
        publication_form(
            cover=_upload("IMG_0001 jane-at-home.jpg", dirty_jpeg(), "image/jpeg"), **fields
        ),
        _upload("jane draft.pdf", dirty_pdf(), "application/pdf"),
    )
    with capture(execute=True):
        response = editor_client.post(ADMIN + "add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Publication.objects.get(slug=data["slug"])


def _upload(name, content, content_type):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def draft_with_new_files(editor_client, publication, capture, button="_save_draft"):
    """Save a draft of the live publication: a new cover (PNG) and one more PDF."""
    url = change_url(publication)
    data = change_form_data(editor_client, url, summary="A draft summary.", **{button: "1"})
    data["cover"] = _upload("jane-at-home.png", dirty_png(), "image/png")
    index = int(data["documents-TOTAL_FORMS"])
    data.update({
        f"documents-{index}-document_type": "other",
        f"documents-{index}-label": "Annex",
        f"documents-{index}-language": "en",
        f"documents-{index}-order": "1",
        f"documents-{index}-file": _upload("annex jane.pdf", dirty_pdf(3), "application/pdf"),
    })
    data["documents-TOTAL_FORMS"] = str(index + 1)
    with capture(execute=True):
        response = editor_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    publication.refresh_from_db()
    return response


def draft_only_names(publication):
    return publication.editorial_file_names(live=False, draft=True) - publication.editorial_file_names(
        live=True, draft=False
    )


def test_every_way_a_file_reaches_visitors_leaves_it_clean_and_drafts_private(
    editor_client, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    visitor = Client()

    # Add (published at once through Publish).
    publication = add_publication(editor_client, capture)
    assert check_everything_public(visitor, publication) >= 3

    # Change the live publication as a draft: its new files are private.
    draft_with_new_files(editor_client, publication, capture)
    new_files = draft_only_names(publication)
    assert len(new_files) == 2
    for name in new_files:
        assert visitor.get(settings.MEDIA_URL + name).status_code == 404, name
        assert not (Path(settings.MEDIA_ROOT) / name).exists()
        assert_clean((Path(settings.PRIVATE_MEDIA_ROOT) / name).read_bytes(), name)
    check_everything_public(visitor, publication)

    # Preview: staff get the draft's files through the preview, never cached; strangers don't.
    preview = editor_client.get(f"/preview/publication/{publication.pk}/").content.decode()
    preview_files = {url for url in file_urls(preview) if "/files/" in url}
    assert {url.rsplit("/files/", 1)[1] for url in preview_files} >= {
        name for name in new_files if name.startswith("covers/")
    }
    for url in preview_files:
        response = editor_client.get(url)
        assert response.status_code == 200 and "no-store" in response["Cache-Control"], url
        assert_clean(body(response), url)
        assert visitor.get(url).status_code == 404, url

    # Share: the link serves the draft's files while it is valid, and not a byte after.
    editor_client.post(change_url(publication), change_form_data(editor_client, change_url(publication), _share_preview="1"))
    link = PreviewLink.links_to(publication).get()
    shared = visitor.get(link.get_absolute_url()).content.decode()
    shared_files = {url for url in file_urls(shared) if "/files/" in url}
    assert shared_files, "the shared page shows no draft file"
    cover_name = next(name for name in new_files if name.startswith("covers/"))
    pdf_name = next(name for name in new_files if name.startswith("documents/"))
    base = link.get_absolute_url() + "files/"
    for name in (cover_name, pdf_name):
        response = visitor.get(base + name)
        assert response.status_code == 200 and "no-store" in response["Cache-Control"], name
        assert_clean(body(response), name)
    assert visitor.get(base + "covers/../../settings.py").status_code == 404
    editor_client.post(change_url(publication), {"_revoke_preview_link": str(link.pk)})
    for name in (cover_name, pdf_name):
        assert visitor.get(base + name).status_code == 410, name

    # Discard: a new link to the draft stops serving its files at once.
    editor_client.post(change_url(publication), change_form_data(editor_client, change_url(publication), _share_preview="1"))
    second = PreviewLink.links_to(publication).filter(revoked_at__isnull=True).get()
    second_base = second.get_absolute_url() + "files/"
    assert visitor.get(second_base + pdf_name).status_code == 200
    editor_client.post(change_url(publication), {"_discard_draft": "1"})
    publication.refresh_from_db()
    assert publication.draft is None
    for name in (cover_name, pdf_name):
        assert visitor.get(second_base + name).status_code == 404, name
        assert visitor.get(settings.MEDIA_URL + name).status_code == 404, name

    # Publish: a draft's files become public, cleaned, under their content names.
    draft_with_new_files(editor_client, publication, capture)
    new_files = draft_only_names(publication)
    with capture(execute=True):
        response = editor_client.post(
            change_url(publication), change_form_data(editor_client, change_url(publication), _publish="1")
        )
    assert response.status_code == 302
    for name in new_files:
        response = visitor.get(settings.MEDIA_URL + name)
        assert response.status_code == 200, name
        assert_clean(body(response), name)
    check_everything_public(visitor, publication)

    # Restore an old revision (the first cover) as a draft, then publish it.
    html = editor_client.get(f"{ADMIN}{publication.pk}/history/").content.decode()
    restore = re.findall(r'action="(/admin/publications/publication/\d+/history/\d+/restore/)"', html)[-1]
    assert editor_client.post(restore).status_code == 302
    with capture(execute=True):
        editor_client.post(
            change_url(publication), change_form_data(editor_client, change_url(publication), _publish="1")
        )
    publication.refresh_from_db()
    assert publication.cover.name.endswith(".jpg")
    check_everything_public(visitor, publication)

    # Delete, then recover: the same clean files come back; the page links them.
    assert editor_client.post(f"{ADMIN}{publication.pk}/delete/", {"post": "yes"}).status_code == 302
    assert visitor.get(publication.get_absolute_url()).status_code == 404
    check_everything_public(visitor)
    recover = re.search(r'href="(/admin/publications/publication/recover/\d+/)"',
                        editor_client.get(f"{ADMIN}recover/").content.decode())[1]
    with capture(execute=True):
        assert editor_client.post(recover).status_code == 302
    assert visitor.get(publication.get_absolute_url()).status_code == 200
    assert check_everything_public(visitor, publication) >= 3
    # Its old share links stay dead.
    assert visitor.get(second.get_absolute_url()).status_code == 410


def test_a_scheduled_publication_goes_live_with_clean_files_and_a_draft_one_keeps_them_private(
    editor_client, django_capture_on_commit_callbacks
):
    visitor = Client()
    later = timezone.localtime() + timezone.timedelta(days=2)
    scheduled = add_publication(
        editor_client, django_capture_on_commit_callbacks,
        publish_at_0=later.date().isoformat(), publish_at_1="09:00:00",
    )
    assert scheduled.lifecycle == Publication.Lifecycle.SCHEDULED
    assert visitor.get(scheduled.get_absolute_url()).status_code == 404
    check_everything_public(visitor)
    # Its go-live time comes.
    Publication.objects.filter(pk=scheduled.pk).update(publish_at=timezone.now() - timezone.timedelta(minutes=1))
    from reportsite.pagecache import content_changed

    content_changed()
    assert visitor.get(scheduled.get_absolute_url()).status_code == 200
    assert check_everything_public(visitor, scheduled) >= 3

    # Never published: nothing of it is public, not even its PDF.
    draft = add_publication(
        editor_client, django_capture_on_commit_callbacks, status="draft",
        slug="a-draft", title="A draft",
    )
    assert draft.status == Publication.Status.DRAFT
    for name in draft.editorial_file_names():
        assert visitor.get(settings.MEDIA_URL + name).status_code == 404, name
        assert not (Path(settings.MEDIA_ROOT) / name).exists(), name
    check_everything_public(visitor, scheduled)
