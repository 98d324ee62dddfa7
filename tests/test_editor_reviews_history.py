"""An editor reviews what changed, restores an old revision as a draft, and recovers deleted items."""

import re

import pytest
from django.test import Client, TestCase

from editorial.actions import Publish
from editorial.cleaning import clean
from publications.models import PartnerOrganisation, Publication, PublicationDocument
from tests.conftest import image_bytes, in_english_columns
from tests.test_editor_manages_content import pdf_bytes, publication_form, with_document

pytestmark = pytest.mark.django_db

ADMIN = "/admin/publications/publication/"


def add_publication(editor_client, make_upload, **fields):
    data = with_document(
        publication_form(cover=make_upload("cover.png", colour=(120, 20, 40)), **fields),
        make_upload("report.pdf", content=pdf_bytes(3), content_type="application/pdf"),
    )
    # Renditions are made once the save is committed, which a test's transaction never is.
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = editor_client.post(ADMIN + "add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Publication.objects.get(slug=data["slug"])


def change_form(publication, **overrides):
    """The edit form as the admin posts it back, with the publication's current values."""
    data = publication_form(
        title=publication.title,
        slug=publication.slug,
        summary=publication.summary,
        body=publication.body,
        cover_alt=publication.cover_alt,
        **{"documents-TOTAL_FORMS": "0", "documents-INITIAL_FORMS": "0"},
    )
    documents = list(publication.documents.all())
    data["documents-TOTAL_FORMS"] = data["documents-INITIAL_FORMS"] = str(len(documents))
    for index, document in enumerate(documents):
        data.update(
            {
                f"documents-{index}-id": str(document.pk),
                f"documents-{index}-publication": str(publication.pk),
                f"documents-{index}-document_type": document.document_type,
                f"documents-{index}-label": document.label,
                f"documents-{index}-language": document.language,
                f"documents-{index}-order": str(document.order),
            }
        )
    data.update(in_english_columns(overrides))
    return data


def test_every_save_is_kept_with_who_when_and_a_diff_of_what_changed(editor_client, make_upload):
    publication = add_publication(editor_client, make_upload, summary="Risks of general AI.")
    data = change_form(
        publication,
        summary="Risks of <script>alert(1)</script> general-purpose AI.",
        cover=make_upload("new-cover.png", colour=(10, 120, 40)),
        _publish="Publish",
    )
    assert editor_client.post(f"{ADMIN}{publication.pk}/change/", data).status_code == 302

    response = editor_client.get(f"{ADMIN}{publication.pk}/history/")
    assert response.status_code == 200
    html = response.content.decode()
    # Two revisions, newest first, each by the editor.
    assert html.count('class="revision"') == 2
    assert html.count(", by editor</h2>") == 2
    newest = html[: html.index('class="revision"', html.index('class="revision"') + 1)]
    # The summary as a word diff, the markup escaped, never live.
    assert (
        "Risks of <del>general</del><ins>&lt;script&gt;alert(1)&lt;/script&gt; "
        "general-purpose</ins> AI." in newest
    )
    assert "<script>alert(1)" not in html
    # The cover as thumbnails before and after.
    publication.refresh_from_db()
    covers = re.findall(r'<img src="([^"]+)"', newest)
    assert len(covers) == 2 and covers[1] == publication.cover.url
    comment = re.search(r'<p class="revision-comment">([^<]*)</p>', newest)[1]
    assert comment.startswith("Published. Changed")
    assert "Summary" in comment and "Front cover" in comment
    # The first revision lists the document that came with it.
    assert "Document added: Full report (English)" in html


def test_deleting_a_publication_and_recovering_it_brings_back_its_page_cover_and_documents(
    editor_client, make_upload
):
    publication = add_publication(editor_client, make_upload)
    visitor = Client()
    page = publication.get_absolute_url()
    before = {
        "page": visitor.get(page).content,
        "cover": b"".join(visitor.get(publication.cover.url).streaming_content),
        "documents": [
            b"".join(visitor.get(d.file.url).streaming_content) for d in publication.documents.all()
        ],
        "rows": list(PublicationDocument.objects.values()),
        "publication": Publication.objects.filter(pk=publication.pk).values().get(),
    }
    assert before["cover"] == image_bytes(colour=(120, 20, 40))
    assert before["documents"] == [clean(pdf_bytes(3))], "the site serves the cleaned PDF"

    response = editor_client.post(f"{ADMIN}{publication.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert visitor.get(page).status_code == 404
    assert not PublicationDocument.objects.exists()

    listing = editor_client.get(ADMIN)
    assert 'href="/admin/publications/publication/recover/"' in listing.content.decode()
    recover_list = editor_client.get(ADMIN + "recover/").content.decode()
    assert publication.title in recover_list
    recover_url = re.search(r'href="(/admin/publications/publication/recover/\d+/)"', recover_list)[1]
    confirm = editor_client.get(recover_url)
    assert confirm.status_code == 200 and "Document added: Full report" in confirm.content.decode()
    assert Publication.objects.count() == 0, "looking at the recovery page recovers nothing"

    response = editor_client.post(recover_url)
    assert response.status_code == 302
    assert response["Location"] == f"{ADMIN}{publication.pk}/change/"

    recovered = Publication.objects.get(pk=publication.pk)
    assert Publication.objects.filter(pk=publication.pk).values().get() == before["publication"]
    assert list(PublicationDocument.objects.values()) == before["rows"]
    assert visitor.get(page).content == before["page"]
    assert b"".join(visitor.get(recovered.cover.url).streaming_content) == before["cover"]
    assert [
        b"".join(visitor.get(d.file.url).streaming_content) for d in recovered.documents.all()
    ] == before["documents"]
    # The recovery is a revision of its own, and the item is no longer listed as deleted.
    assert "Recovered after deletion." in editor_client.get(
        f"{ADMIN}{publication.pk}/history/"
    ).content.decode()
    assert publication.title not in editor_client.get(ADMIN + "recover/").content.decode()


def test_bulk_deleted_partners_can_be_recovered_with_their_logo(editor_client, make_upload, client):
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = add_partner(editor_client, make_upload)
    assert response.status_code == 302
    partner = PartnerOrganisation.objects.get()
    logo_name, renditions = partner.logo.name, partner.logo_renditions
    assert renditions["source"] == logo_name
    response = editor_client.post(
        "/admin/publications/partnerorganisation/",
        {"action": "delete_selected", "_selected_action": [partner.pk], "post": "yes"},
    )
    assert response.status_code == 302 and not PartnerOrganisation.objects.exists()
    html = editor_client.get("/admin/publications/partnerorganisation/recover/").content.decode()
    url = re.search(r'href="(/admin/publications/partnerorganisation/recover/\d+/)"', html)[1]
    assert editor_client.post(url).status_code == 302
    partner = PartnerOrganisation.objects.get()
    assert (partner.logo.name, partner.logo_renditions) == (logo_name, renditions)
    editor_client.logout()
    assert "Gamma Institute" in client.get("/").content.decode()


def add_partner(editor_client, make_upload):
    return editor_client.post(
        "/admin/publications/partnerorganisation/add/",
        in_english_columns({
            "name": "Gamma Institute",
            "website": "https://gamma.example/",
            "logo": make_upload("logo.png", width=300, height=100),
            "logo_alt": "Gamma Institute logo",
            "description": "",
            "order": "1",
            "active": "on",
        }),
    )


def test_recovery_refused_while_another_publication_has_its_address(editor_client, make_upload):
    publication = add_publication(editor_client, make_upload)
    editor_client.post(f"{ADMIN}{publication.pk}/delete/", {"post": "yes"})
    add_publication(editor_client, make_upload, title="Newer one")
    html = editor_client.get(ADMIN + "recover/").content.decode()
    url = re.search(r'href="(/admin/publications/publication/recover/\d+/)"', html)[1]

    response = editor_client.post(url, follow=True)
    assert response.status_code == 200
    assert "another item now uses its address" in response.content.decode()
    assert list(Publication.objects.values_list("title", flat=True)) == ["Newer one"]
    assert PublicationDocument.objects.count() == 1


def test_restoring_an_old_revision_makes_it_the_draft_and_visitors_see_it_once_published(
    editor_client, editor, make_upload
):
    from editorial import history

    publication = add_publication(editor_client, make_upload, summary="The old summary.")
    publication.summary = "The new summary."
    publication.save()
    history.record(publication, editor, "Published.")
    visitor = Client()
    page = publication.get_absolute_url()
    assert "The new summary." in visitor.get(page).content.decode()

    html = editor_client.get(f"{ADMIN}{publication.pk}/history/").content.decode()
    restore_urls = re.findall(r'action="(/admin/publications/publication/\d+/history/\d+/restore/)"', html)
    assert len(restore_urls) == 1, "the newest revision is the live one; the older can be restored"
    response = editor_client.post(restore_urls[0])
    assert response.status_code == 302 and response["Location"] == f"{ADMIN}{publication.pk}/change/"

    publication.refresh_from_db()
    assert publication.summary == "The new summary."
    assert publication.draft["summary_en"] == "The old summary."
    assert publication.draft_saved_by == editor
    assert "The new summary." in visitor.get(page).content.decode()
    html = editor_client.get(f"{ADMIN}{publication.pk}/history/").content.decode()
    assert "restored as a draft." in html
    assert "Unpublished draft saved, against the live version" in html
    assert "<del>new</del><ins>old</ins>" in html

    Publish(publication, editor).execute()
    assert "The old summary." in visitor.get(page).content.decode()


def test_restoring_a_revision_brings_back_its_documents_in_the_draft(
    editor_client, editor, make_upload
):
    from editorial import history

    publication = add_publication(editor_client, make_upload)
    old_document = publication.documents.get()
    # Later the report is replaced by another PDF, and that is published.
    old_document.delete()
    PublicationDocument.objects.create(
        publication=publication, file=make_upload("new.pdf", content=pdf_bytes(5))
    )
    history.record(publication, editor, "Published. Replaced the PDF.")
    visitor = Client()
    page = publication.get_absolute_url()
    assert "5 pages" in visitor.get(page).content.decode()

    html = editor_client.get(f"{ADMIN}{publication.pk}/history/").content.decode()
    assert editor_client.post(restore_url(html, "Restore this revision as draft")).status_code == 302

    publication.refresh_from_db()
    assert publication.has_unpublished_changes
    assert "5 pages" in visitor.get(page).content.decode(), "the restore reached visitors"
    assert [d.file.name for d in publication.draft_documents()] == [old_document.file.name]
    Publish(publication, editor).execute()
    html = visitor.get(page).content.decode()
    assert "3 pages" in html and "5 pages" not in html
    document = publication.documents.get()
    assert (document.file.name, document.page_count) == (old_document.file.name, 3)
    assert b"".join(visitor.get(document.file.url).streaming_content) == clean(pdf_bytes(3))


def restore_url(html, button):
    """The action of the form holding the button with this text."""
    for action, form in re.findall(r'action="([^"]+/restore/)"(.*?)</form>', html, re.S):
        if f">{button}</button>" in form:
            return action
    raise AssertionError(f"no {button!r} button")


def test_content_made_before_history_was_kept_can_be_restored_after_its_first_change(
    editor_client, make_partner
):
    partner = make_partner(name="Epsilon Centre", description="Old words.")
    url = f"/admin/publications/partnerorganisation/{partner.pk}/"
    assert "No revision is kept yet" in editor_client.get(url + "history/").content.decode()
    form = in_english_columns({
        "name": "Epsilon Centre",
        "website": "https://partner.example/",
        "logo_alt": "Partner logo",
        "description": "New words.",
        "order": "0",
        "active": "on",
    })
    assert editor_client.post(url + "change/", form).status_code == 302

    # The partner is live: the change is a draft, and both revisions are kept.
    html = editor_client.get(url + "history/").content.decode()
    assert "As it was before its history was kept." in html and "by the system" in html
    assert "Draft saved. Changed Description [en]." in html
    assert "<del>Old</del><ins>New</ins> words." in html
    forms = re.findall(r'action="([^"]+/restore/)".*?</form>', html, re.S)
    assert len(forms) == 2
    # The baseline's live version, and the draft saved in the newest revision.
    assert 'value="draft">Restore this draft</button>' in html
    assert html.count(">Restore this revision as draft</button>") == 1
    editor_client.post(restore_url(html, "Restore this revision as draft"))
    partner.refresh_from_db()
    # The baseline is the live version: restoring it leaves nothing pending.
    assert partner.description == "Old words." and partner.draft is None
    editor_client.post(restore_url(html, "Restore this draft"), {"part": "draft"})
    partner.refresh_from_db()
    assert partner.description == "Old words." and partner.draft["description_en"] == "New words."
    # Discarding the draft is kept too.
    assert editor_client.post(url + "change/", {"_discard_draft": "1"}).status_code == 302
    html = editor_client.get(url + "history/").content.decode()
    assert html.index("Draft discarded.") < html.index("restored as a draft.")


def test_restoring_needs_a_post_and_the_right_to_change(editor_client, make_upload, client):
    publication = add_publication(editor_client, make_upload)
    version = re.search(
        r'action="(/admin/publications/publication/\d+/history/\d+/restore/)"',
        editor_client.get(f"{ADMIN}{publication.pk}/history/").content.decode(),
    )
    # The only revision is the live one: nothing older to restore.
    assert version is None
    assert editor_client.get(f"{ADMIN}{publication.pk}/history/1/restore/").status_code == 405


def test_history_page_queries_do_not_grow_with_the_number_of_revisions(
    editor_client, editor, make_upload
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from editorial import history

    publication = add_publication(editor_client, make_upload)
    url = f"{ADMIN}{publication.pk}/history/"

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert editor_client.get(url).status_code == 200
        return len(captured.captured_queries)

    editor_client.get(url)
    few = queries()
    for number in range(40):
        publication.summary = f"Summary number {number}."
        publication.save()
        PublicationDocument.objects.create(
            publication=publication, file=make_upload("more.pdf", content=pdf_bytes(1))
        )
        history.record(publication, editor, "Saved.")
    html = editor_client.get(url).content.decode()
    assert html.count('class="revision"') == 41
    assert queries() == few



def test_history_lists_real_changes_only_compared_as_values(make_publication, editor):
    """Once: "Published. No fields changed." above a table showing Summary changed, and
    "29 January 2025 → 2025-01-29" for a date nobody changed."""
    from editorial import history
    from editorial.actions import Publish, SaveDraft

    publication = make_publication(summary="Old summary.")
    history.record(publication, editor, "Created.")
    SaveDraft(publication, editor, values={"summary": "New summary.", "publication_date": str(publication.publication_date)}).execute()
    Publish(publication, editor).execute()
    published, drafted, created = history.history(publication)
    assert published.revision.comment == "Published. Changed Summary [en]."
    assert [change.label for change in published.changes] == ["Summary [en]"], "what went live"
    assert drafted.revision.comment == "Draft saved. Changed Summary [en]."
    assert [change.label for change in drafted.draft_changes] == ["Summary [en]"]
    for entry in (published, drafted):
        assert not any("date" in change.label.lower() for change in entry.changes + entry.draft_changes)
