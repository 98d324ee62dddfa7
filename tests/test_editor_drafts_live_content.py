"""An editor prepares a change to live content as a draft, then publishes or discards it."""

import datetime

import pytest
from django.utils import timezone

from editorial.actions import DiscardDraft, Publish, SaveDraft
from publications.models import Publication, SiteContent
from reportsite import pagecache
from tests.conftest import STAFF_PASSWORD, in_english_columns

pytestmark = pytest.mark.django_db


def test_saving_a_draft_changes_nothing_visitors_see(make_publication, editor):
    publication = make_publication(summary="Old summary.")
    updated_at = publication.updated_at
    generation = pagecache.current_generation()

    SaveDraft(publication, editor, values={"summary": "New summary."}).execute()

    stored = Publication.objects.get(pk=publication.pk)
    assert stored.summary == "Old summary."
    assert stored.updated_at == updated_at
    assert stored.has_unpublished_changes
    assert stored.draft["summary_en"] == "New summary."
    assert stored.draft_saved_by == editor
    assert stored.lifecycle == Publication.Lifecycle.LIVE_WITH_CHANGES
    assert pagecache.current_generation() == generation, "a draft made cached pages stale"
    assert stored.with_draft().summary == "New summary."
    assert Publication.objects.get(pk=publication.pk).summary == "Old summary."


def test_publishing_a_draft_makes_it_live_and_refreshes_cached_pages(make_publication, editor):
    publication = make_publication(summary="Old summary.", body="Old body.")
    SaveDraft(publication, editor, values={"summary": "New summary.", "body": "**New** body."}).execute()
    generation = pagecache.current_generation()

    Publish(publication, editor).execute()

    stored = Publication.objects.get(pk=publication.pk)
    assert stored.summary == "New summary."
    assert "<strong>New</strong>" in stored.body_html
    assert stored.draft is None and not stored.has_unpublished_changes
    assert stored.lifecycle == Publication.Lifecycle.LIVE
    assert pagecache.current_generation() != generation


def test_discarding_a_draft_keeps_the_live_version(make_publication, editor):
    publication = make_publication(summary="Old summary.")
    SaveDraft(publication, editor, values={"summary": "New summary."}).execute()
    DiscardDraft(publication).execute()
    stored = Publication.objects.get(pk=publication.pk)
    assert stored.summary == "Old summary." and stored.draft is None


def test_a_serialized_revision_becomes_a_draft(make_publication, editor):
    """Values as a serializer writes them (dates as text, files by name, extra fields)."""
    publication = make_publication(title="Old title")
    cover_name = publication.cover.name
    SaveDraft(
        publication,
        editor,
        values={
            "title": "Restored title",
            "publication_date": "2024-05-06",
            "cover": cover_name,
            "body_html": "<script>ignored</script>",
            "status": "draft",
        },
    ).execute()
    preview = Publication.objects.get(pk=publication.pk).with_draft()
    assert preview.title == "Restored title"
    assert preview.publication_date == datetime.date(2024, 5, 6)
    assert preview.cover.name == cover_name
    publication.refresh_from_db()
    Publish(publication, editor).execute()
    publication.refresh_from_db()
    assert publication.status == Publication.Status.PUBLISHED
    assert publication.title == "Restored title"


def test_publishing_a_never_published_draft_dates_it_now(make_publication, editor):
    draft = make_publication(status=Publication.Status.DRAFT, publish_at=None)
    assert draft.lifecycle == Publication.Lifecycle.DRAFT
    before = timezone.now()
    Publish(draft, editor).execute()
    draft.refresh_from_db()
    assert draft.status == Publication.Status.PUBLISHED
    assert draft.publish_at >= before
    assert draft.lifecycle == Publication.Lifecycle.LIVE


def test_scheduled_and_expired_publications_are_told_apart(make_publication):
    now = timezone.now()
    scheduled = make_publication(publish_at=now + datetime.timedelta(days=1))
    expired = make_publication(expire_at=now - datetime.timedelta(minutes=1))
    live = make_publication()
    assert scheduled.lifecycle == Publication.Lifecycle.SCHEDULED
    assert scheduled.lifecycle_text.startswith("Scheduled for ")
    assert scheduled.lifecycle_text.endswith(" UTC")
    assert expired.lifecycle == Publication.Lifecycle.EXPIRED
    assert list(Publication.objects.published()) == [live]
    for lifecycle, expected in [
        (Publication.Lifecycle.SCHEDULED, [scheduled]),
        (Publication.Lifecycle.EXPIRED, [expired]),
        (Publication.Lifecycle.LIVE, [live]),
        (Publication.Lifecycle.DRAFT, []),
    ]:
        assert list(Publication.objects.in_lifecycle(lifecycle)) == expected


def test_site_texts_and_partners_take_drafts(make_partner, editor):
    site = SiteContent.load()
    SaveDraft(site, editor, values={"about_text": "Draft about."}).execute()
    assert SiteContent.load().about_text == ""
    assert SiteContent.load().with_draft().about_text == "Draft about."

    partner = make_partner(name="Old name")
    SaveDraft(partner, editor, values={"name": "New name"}).execute()
    assert type(partner).objects.get(pk=partner.pk).name == "Old name"
    Publish(partner, editor).execute()
    assert type(partner).objects.get(pk=partner.pk).name == "New name"


# Through the admin, as an editor works


@pytest.fixture
def visitor():
    """An anonymous visitor with a browser of their own (editor_client uses `client`)."""
    from django.test import Client

    return Client()


def change_form_data(client, url, **changes):
    """What the edit page at `url` would post back unchanged (files kept), with `changes`."""
    response = client.get(url)
    assert response.status_code == 200
    data = {}

    def add(form, prefix=""):
        for name, field in form.fields.items():
            key = f"{prefix}{name}"
            value = form[name].value()
            if hasattr(field, "upload_to") or field.widget.needs_multipart_form:
                continue
            if isinstance(value, datetime.datetime):
                local = timezone.localtime(value)
                data[f"{key}_0"], data[f"{key}_1"] = local.date().isoformat(), local.strftime("%H:%M:%S")
            elif isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = value
            else:
                data[key] = "" if value is None else str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = str(value)
        for form in formset.forms:
            add(form, f"{form.prefix}-")
    data.update(in_english_columns(changes))
    return data


def change_url(obj):
    return f"/admin/publications/{obj._meta.model_name}/{obj.pk}/change/"


def test_editor_saves_a_live_publication_as_a_draft_and_visitors_see_no_change(
    editor_client, visitor, make_publication
):
    publication = make_publication(summary="The live summary.")
    assert "The live summary." in visitor.get(publication.get_absolute_url()).content.decode()

    response = editor_client.post(
        change_url(publication),
        change_form_data(editor_client, change_url(publication), summary="A draft summary.", _save_draft="Save draft"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == change_url(publication)

    for path in ("/", publication.get_absolute_url(), "/publications/", "/publications/feed/"):
        html = visitor.get(path).content.decode()
        assert "A draft summary." not in html, path
    assert "The live summary." in visitor.get("/publications/feed/").content.decode()

    page = editor_client.get(change_url(publication)).content.decode()
    assert "Live with unpublished changes" in page
    assert "A draft summary." in page, "the edit page does not show the draft"
    assert 'name="_discard_draft"' in page
    assert "editorial/admin-drafts.css" in page
    listing = editor_client.get("/admin/publications/publication/?lifecycle=live-changed").content.decode()
    assert publication.title in listing and "Live with unpublished changes" in listing

    preview = editor_client.get(f"/preview/publication/{publication.pk}/")
    assert preview.status_code == 200
    assert "A draft summary." in preview.content.decode()
    assert '<meta name="robots" content="noindex">' in preview.content.decode()
    assert "no-store" in preview["Cache-Control"] and preview["X-Robots-Tag"] == "noindex"
    assert change_url(publication) in preview.content.decode(), "no link back to the edit page"

    anonymous = visitor.get(f"/preview/publication/{publication.pk}/")
    # A plain 404: nothing tells a stranger where the admin is.
    assert anonymous.status_code == 404 and "Location" not in anonymous
    assert "/admin/" not in anonymous.content.decode()

    response = editor_client.post(
        change_url(publication),
        change_form_data(editor_client, change_url(publication), _publish="Publish"),
    )
    assert response.status_code == 302
    assert "A draft summary." in visitor.get(publication.get_absolute_url()).content.decode()
    assert Publication.objects.get(pk=publication.pk).draft is None


def test_editor_discards_a_draft(editor_client, make_publication):
    publication = make_publication(summary="The live summary.")
    editor_client.post(
        change_url(publication),
        change_form_data(editor_client, change_url(publication), summary="Unwanted.", _save_draft="1"),
    )
    response = editor_client.post(change_url(publication), {"_discard_draft": "Discard draft"})
    assert response.status_code == 302
    publication.refresh_from_db()
    assert publication.draft is None and publication.summary == "The live summary."
    assert "Unwanted." not in editor_client.get(change_url(publication)).content.decode()


def test_a_draft_of_a_live_publications_documents_waits_for_publishing(
    editor_client, visitor, make_publication, make_upload
):
    from tests.test_editor_manages_content import pdf_bytes

    publication = make_publication()
    url = change_url(publication)
    data = change_form_data(editor_client, url, _save_draft="1")
    data.update(
        {
            "documents-TOTAL_FORMS": "1",
            "documents-0-document_type": "full-report",
            "documents-0-label": "",
            "documents-0-language": "en",
            "documents-0-order": "0",
            "documents-0-file": make_upload("r.pdf", content=pdf_bytes(3), content_type="application/pdf"),
        }
    )
    assert editor_client.post(url, data).status_code == 302
    assert "3 pages" not in visitor.get(publication.get_absolute_url()).content.decode()
    assert "3 pages" in editor_client.get(f"/preview/publication/{publication.pk}/").content.decode()
    assert list(publication.live_documents()) == []

    editor_client.post(url, change_form_data(editor_client, url, _publish="1"))
    assert "3 pages" in visitor.get(publication.get_absolute_url()).content.decode()
    assert publication.documents.get().draft_change == ""


def test_a_never_published_publication_is_published_with_the_moment_of_publishing(
    editor_client, make_publication
):
    draft = make_publication(status=Publication.Status.DRAFT, publish_at=None)
    page = editor_client.get(change_url(draft)).content.decode()
    assert 'name="_save_draft"' not in page and 'name="_publish"' in page
    before = timezone.now()
    response = editor_client.post(change_url(draft), change_form_data(editor_client, change_url(draft), _publish="1"))
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    assert draft.status == Publication.Status.PUBLISHED and draft.publish_at >= before
    feed = editor_client.get("/publications/feed/").content.decode()
    assert f"<published>{draft.publish_at:%Y-%m-%dT%H:%M:%S}" in feed, feed


def test_editor_previews_draft_site_texts_and_a_partner_on_the_landing_page(
    editor_client, visitor, make_partner
):
    site = SiteContent.load()
    partner = make_partner(name="Old Partner Name")
    editor_client.post(
        change_url(site),
        change_form_data(editor_client, change_url(site), about_text="Draft about text.", _save_draft="1"),
    )
    editor_client.post(
        change_url(partner),
        change_form_data(editor_client, change_url(partner), name="New Partner Name", _save_draft="1"),
    )
    live = visitor.get("/").content.decode()
    assert "Draft about text." not in live and "New Partner Name" not in live

    site_preview = editor_client.get(f"/preview/site-texts/{site.pk}/").content.decode()
    assert "Draft about text." in site_preview and "Old Partner Name" in site_preview
    partner_preview = editor_client.get(f"/preview/partner/{partner.pk}/").content.decode()
    assert "New Partner Name" in partner_preview and "Draft about text." not in partner_preview


# Shared preview links


def test_a_shared_preview_link_shows_the_draft_until_revoked(editor_client, visitor, make_publication):
    from editorial.models import PreviewLink

    publication = make_publication(summary="The live summary.")
    url = change_url(publication)
    editor_client.post(url, change_form_data(editor_client, url, summary="Shared draft.", _share_preview="1"))
    link = PreviewLink.objects.get()
    assert link.expires_at - timezone.now() > datetime.timedelta(days=6, hours=23)
    assert link.absolute_url in editor_client.get(url).content.decode()

    response = visitor.get(link.get_absolute_url())
    assert response.status_code == 200
    assert "Shared draft." in response.content.decode()
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"] and response["X-Robots-Tag"] == "noindex"
    assert "X-Page-Cache" not in visitor.get(link.get_absolute_url())

    tampered = link.get_absolute_url().replace(f"/{link.pk}:", f"/{link.pk + 1}:")
    assert visitor.get(tampered).status_code == 404
    assert visitor.get("/preview/shared/not-a-token/").status_code == 404

    for bad in ("not-a-number", str(link.pk + 100)):
        response = editor_client.post(url, {"_revoke_preview_link": bad}, follow=True)
        assert "That preview link does not exist." in response.content.decode()
    assert visitor.get(link.get_absolute_url()).status_code == 200
    editor_client.post(url, {"_revoke_preview_link": str(link.pk)})
    gone = visitor.get(link.get_absolute_url())
    assert gone.status_code == 410
    assert "Shared draft." not in gone.content.decode() and "withdrawn" in gone.content.decode()


def test_an_expired_preview_link_is_gone(visitor, make_publication, editor):
    from editorial.models import PreviewLink

    link = PreviewLink.create_for(make_publication(), editor)
    PreviewLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = visitor.get(link.get_absolute_url())
    assert response.status_code == 410 and "expired" in response.content.decode()


def test_drafts_leave_every_public_byte_unchanged(
    settings, editor_client, visitor, make_publication, make_partner, consent_seed
):
    """Pages, lists, feed, sitemap and JSON-LD, rendered afresh (no page cache)."""
    settings.PAGE_CACHE_SECONDS = 0
    publication = make_publication(title="Live title", summary="Live summary.")
    partner = make_partner(name="Live partner")
    site = SiteContent.load()
    paths = ["/", "/publications/", publication.get_absolute_url(), "/publications/feed/", "/sitemap.xml"]
    before = {path: visitor.get(path).content for path in paths}

    for obj, changes in [
        (publication, {"title": "Draft title", "summary": "Draft summary.", "featured": "on"}),
        (partner, {"name": "Draft partner"}),
        (site, {"hero_title": "Draft hero", "about_text": "Draft about."}),
    ]:
        data = change_form_data(editor_client, change_url(obj), _save_draft="1", **changes)
        assert editor_client.post(change_url(obj), data).status_code == 302

    for path in paths:
        assert visitor.get(path).content == before[path], f"a draft changed {path}"


def test_a_preview_link_to_something_deleted_is_gone(visitor, make_publication, editor):
    from editorial.models import PreviewLink

    publication = make_publication()
    link = PreviewLink.create_for(publication, editor)
    publication.delete()
    response = visitor.get(link.get_absolute_url())
    assert response.status_code == 410 and "no longer exists" in response.content.decode()


def test_previewing_a_live_item_without_changes_leaves_no_draft(editor_client, make_publication):
    publication = make_publication()
    url = change_url(publication)
    response = editor_client.post(url, change_form_data(editor_client, url, _preview="Preview"))
    assert response["Location"] == f"/preview/publication/{publication.pk}/"
    publication.refresh_from_db()
    assert publication.draft is None and publication.lifecycle == Publication.Lifecycle.LIVE


def test_a_viewer_without_change_permission_gets_no_draft_buttons(
    client, django_user_model, make_publication
):
    from django.contrib.auth.models import Permission

    viewer = django_user_model.objects.create_user(username="viewer", password=STAFF_PASSWORD, is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_publication"))
    client.force_login(viewer)
    publication = make_publication()
    page = client.get(change_url(publication)).content.decode()
    assert "Status:" in page
    assert 'name="_save_draft"' not in page and 'name="_publish"' not in page
    assert client.post(change_url(publication), {"_discard_draft": "1"}).status_code == 403
