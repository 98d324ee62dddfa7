"""Every way to publish is the same operation: one write of the item's row and one
revision, whether it comes from the admin's form, the shell or a future import; public
addresses show published content only, to everyone."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from reversion.models import Revision

from editorial import history
from editorial.actions import Publish, SaveDraft
from publications.models import Publication
from tests.test_editor_drafts_live_content import change_form_data, change_url

pytestmark = pytest.mark.django_db


def writes_to(queries, table):
    return [q["sql"] for q in queries if re.match(rf'\s*UPDATE "{table}"', q["sql"])]


def inserts_into(queries, table):
    return [q["sql"] for q in queries if re.match(rf'\s*INSERT INTO "{table}"', q["sql"])]


def test_publishing_from_the_shell_writes_the_row_once_and_records_one_revision(make_publication, editor):
    publication = make_publication(summary="Old.")
    SaveDraft(publication, editor, values={"summary": "New."}).execute()
    revisions = Revision.objects.count()
    with CaptureQueriesContext(connection) as queries:
        Publish(publication, editor).execute()
    assert len(writes_to(queries, "publications_publication")) == 1, writes_to(queries, "publications_publication")
    assert len(inserts_into(queries, "reversion_revision")) == 1
    assert Revision.objects.count() == revisions + 1
    assert Revision.objects.latest("pk").comment == "Published. Changed Summary [en]."
    # (django-reversion checks the ids it keeps still exist: no column is read.)
    selects = [q for q in queries if '"publications_publication"."summary' in q["sql"] and q["sql"].lstrip().startswith("SELECT")]
    assert selects == [], ("the action read the row it was given again", selects)


def test_publishing_from_the_admin_writes_the_row_once_and_records_one_revision(
    editor_client, make_publication
):
    publication = make_publication(summary="Old.")
    history.record(publication, None, "Created.")
    data = change_form_data(editor_client, change_url(publication), summary="New.", _publish="Publish")
    revisions = Revision.objects.count()
    with CaptureQueriesContext(connection) as queries:
        response = editor_client.post(change_url(publication), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert len(writes_to(queries, "publications_publication")) == 1, writes_to(queries, "publications_publication")
    assert Revision.objects.count() == revisions + 1
    assert Publication.objects.get(pk=publication.pk).summary == "New."


def test_saving_a_draft_writes_the_draft_once_and_sharing_records_no_revision(editor_client, make_publication):
    publication = make_publication(summary="Old.")
    history.record(publication, None, "Created.")
    data = change_form_data(editor_client, change_url(publication), summary="New.", _save_draft="1")
    with CaptureQueriesContext(connection) as queries:
        editor_client.post(change_url(publication), data)
    assert len(writes_to(queries, "publications_publication")) == 1
    assert len(inserts_into(queries, "reversion_revision")) == 1
    # Share and revoke are not content revisions.
    revisions = Revision.objects.count()
    editor_client.post(change_url(publication), change_form_data(editor_client, change_url(publication), _share_preview="1"))
    html = editor_client.get(change_url(publication)).content.decode()
    link_id = re.search(r'name="_revoke_preview_link" value="(\d+)"', html)[1]
    editor_client.post(change_url(publication), {"_revoke_preview_link": link_id})
    assert Revision.objects.count() == revisions


def test_a_new_publication_is_a_draft_until_published_and_status_cannot_be_posted(
    editor_client, client, make_upload
):
    from tests.test_editor_manages_content import publication_form

    data = publication_form(status="draft", _save="Save", cover=make_upload())
    data["status"] = "published"  # an old form's field: ignored
    response = editor_client.post("/admin/publications/publication/add/", data)
    assert response.status_code == 302, re.findall(r'<ul class="errorlist[^>]*>(.*?)</ul>', response.content.decode(), re.S)
    publication = Publication.objects.get()
    assert publication.status == Publication.Status.DRAFT
    assert client.get(publication.get_absolute_url()).status_code == 404
    assert "added successfully" not in editor_client.get(response["Location"]).content.decode()


def test_publishing_with_an_expiry_time_that_has_passed_asks_first(editor_client, make_publication, client):
    from django.utils import timezone

    publication = make_publication(status=Publication.Status.DRAFT, publish_at=None)
    data = change_form_data(editor_client, change_url(publication), _publish="Publish")
    past = timezone.localtime() - timezone.timedelta(days=1)
    data["expire_at_0"], data["expire_at_1"] = past.date().isoformat(), "09:00:00"
    response = editor_client.post(change_url(publication), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "has passed" in page and 'name="_confirm_publish"' in page
    assert Publication.objects.get(pk=publication.pk).status == Publication.Status.DRAFT
    data["_confirm_publish"] = "1"
    assert editor_client.post(change_url(publication), data).status_code == 302
    assert Publication.objects.get(pk=publication.pk).lifecycle == Publication.Lifecycle.EXPIRED


@pytest.mark.parametrize("state", ["draft", "scheduled", "expired"])
def test_staff_get_a_404_at_the_public_address_of_an_unpublished_publication(
    state, make_publication, privacy_officer, editor, client
):
    from django.utils import timezone

    now = timezone.now()
    fields = {
        "draft": {"status": Publication.Status.DRAFT, "publish_at": None},
        "scheduled": {"publish_at": now + timezone.timedelta(days=1)},
        "expired": {"expire_at": now - timezone.timedelta(minutes=1)},
    }[state]
    publication = make_publication(**fields)
    for user in (privacy_officer, editor):
        client.force_login(user)
        assert client.get(publication.get_absolute_url()).status_code == 404, (user, state)
    client.force_login(editor)
    assert client.get(f"/preview/publication/{publication.pk}/").status_code == 200


def test_anonymous_preview_addresses_name_no_admin(settings, make_publication, client):
    publication = make_publication()
    for path in (f"/preview/publication/{publication.pk}/", f"/preview/publication/{publication.pk}/files/x.png"):
        response = client.get(path)
        assert response.status_code == 404 and not response.has_header("Location"), path
        assert "admin" not in response.content.decode().lower(), path
