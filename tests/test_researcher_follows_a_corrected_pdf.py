"""A researcher's link to a PDF keeps working after the PDF is corrected: the old file
address, the stable address and `#page=58` links land on the current file, and the old
version stays reachable at its version address."""

import pytest
from django.core.files.base import ContentFile
from django.test import TestCase
from django.test.testcases import _MediaFilesHandler

from editorial.actions import Publish
from publications.models import PublicationDocument
from tests.test_editor_manages_content import pdf_bytes


def add_document(publication, pages, language="en", **fields):
    return PublicationDocument.objects.create(
        publication=publication, language=language,
        file=ContentFile(pdf_bytes(pages), name="report.pdf"), **fields,
    )


def replace_through_a_draft(publication, document, pages):
    """What the admin does when an editor uploads a corrected PDF to a live publication
    and publishes: the new row waits in the draft, the old one is removed on publish."""
    add_document(
        publication, pages, language=document.language,
        draft_change=PublicationDocument.DraftChange.ADDED,
    )
    document.draft_change = PublicationDocument.DraftChange.REMOVED
    document.save()
    with TestCase.captureOnCommitCallbacks(execute=True):
        Publish(publication).execute()
    return publication.live_documents().get(language=document.language)


def body(response):
    return b"".join(response.streaming_content)


@pytest.mark.django_db
def test_corrected_pdf_keeps_every_address_working(client, make_publication):
    publication = make_publication()
    original = add_document(publication, pages=3)
    old_url = original.file.url
    stable = f"/publication/{publication.slug}/pdf"

    response = client.get(stable)
    assert (response.status_code, response["Location"]) == (302, old_url)
    assert client.get(old_url).status_code == 200
    # As stored: cleaned on upload (editorial.cleaning), then never changed.
    with original.file.open("rb") as stored:
        original_bytes = stored.read()

    corrected = replace_through_a_draft(publication, original, pages=4)
    assert corrected.file.url != old_url

    # The stable address leads to the corrected file.
    response = client.get(stable)
    assert (response.status_code, response["Location"]) == (302, corrected.file.url)
    assert response["Cache-Control"] == "no-cache"
    # The old address leads to the stable one, hence to the corrected file.
    response = client.get(old_url, follow=True)
    assert [hop for hop, _status in response.redirect_chain] == [
        f"/publication/{publication.slug}/pdf/full-report", corrected.file.url
    ]
    assert response.redirect_chain[0][1] == 301
    assert body(response) == corrected.file.open("rb").read()
    # Each version at its own address, the old one exactly as it was.
    old = client.get(f"/publication/{publication.slug}/pdf/full-report/en/v1")
    assert old.status_code == 200 and old["Content-Type"] == "application/pdf"
    assert body(old) == original_bytes
    with corrected.file.open("rb") as stored:
        assert body(client.get(f"/publication/{publication.slug}/pdf/full-report/en/v2")) == stored.read()
    assert client.get(f"/publication/{publication.slug}/pdf/full-report/en/v3").status_code == 404


@pytest.mark.django_db
def test_stable_addresses_in_every_language_fall_back_to_english(client, make_publication):
    publication = make_publication()
    english = add_document(publication, pages=2)
    french = add_document(publication, pages=3, language="fr")
    summary = add_document(publication, pages=1, document_type="executive-summary")
    assert client.get(f"/publication/{publication.slug}/pdf")["Location"] == english.file.url
    assert client.get(f"/fr/publication/{publication.slug}/pdf")["Location"] == french.file.url
    assert client.get(f"/ar/publication/{publication.slug}/pdf")["Location"] == english.file.url
    assert (
        client.get(f"/zh-hans/publication/{publication.slug}/pdf/executive-summary")["Location"]
        == summary.file.url
    )
    assert client.get(f"/publication/{publication.slug}/pdf/policymakers-summary").status_code == 404
    assert client.get("/publication/no-such-thing/pdf").status_code == 404


@pytest.mark.django_db
def test_a_hidden_publication_has_no_file_addresses(client, make_publication):
    publication = make_publication()
    document = add_document(publication, pages=2)
    replace_through_a_draft(publication, document, pages=3)
    publication.status = publication.Status.DRAFT
    publication.save()
    assert client.get(f"/publication/{publication.slug}/pdf").status_code == 404
    assert client.get(f"/publication/{publication.slug}/pdf/full-report/en/v1").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_page_58_link_survives_the_redirects_in_chromium(
    live_server, page, make_publication, monkeypatch
):
    # The test server answers /media/ itself, before the URL configuration; the site
    # serves media through reportsite.media, which knows moved files: let it.
    monkeypatch.setattr(_MediaFilesHandler, "_should_handle", lambda self, path: False)
    publication = make_publication()
    original = add_document(publication, pages=3)
    old_url = live_server.url + original.file.url
    corrected = replace_through_a_draft(publication, original, pages=4)
    final_url = live_server.url + corrected.file.url

    for start in (old_url, f"{live_server.url}/publication/{publication.slug}/pdf"):
        response = page.goto(start + "#page=58")
        # Chromium's PDF viewer opened the corrected file, at the address with the fragment.
        assert response.url == final_url and response.headers["content-type"] == "application/pdf"
        assert page.evaluate("location.href") == final_url + "#page=58"
