"""An editor prepares a change to live content as a draft, then publishes or discards it."""

import datetime

import pytest
from django.utils import timezone

from publications.models import Publication, SiteContent
from reportsite import pagecache

pytestmark = pytest.mark.django_db


def test_saving_a_draft_changes_nothing_visitors_see(make_publication, editor):
    publication = make_publication(summary="Old summary.")
    updated_at = publication.updated_at
    generation = pagecache.current_generation()

    publication.save_draft({"summary": "New summary."}, editor)

    stored = Publication.objects.get(pk=publication.pk)
    assert stored.summary == "Old summary."
    assert stored.updated_at == updated_at
    assert stored.has_unpublished_changes
    assert stored.draft["summary"] == "New summary."
    assert stored.draft_saved_by == editor
    assert stored.lifecycle == Publication.Lifecycle.LIVE_WITH_CHANGES
    assert pagecache.current_generation() == generation, "a draft made cached pages stale"
    assert stored.with_draft().summary == "New summary."
    assert Publication.objects.get(pk=publication.pk).summary == "Old summary."


def test_publishing_a_draft_makes_it_live_and_refreshes_cached_pages(make_publication, editor):
    publication = make_publication(summary="Old summary.", body="Old body.")
    publication.save_draft({"summary": "New summary.", "body": "**New** body."}, editor)
    generation = pagecache.current_generation()

    publication.publish(editor)

    stored = Publication.objects.get(pk=publication.pk)
    assert stored.summary == "New summary."
    assert "<strong>New</strong>" in stored.body_html
    assert stored.draft is None and not stored.has_unpublished_changes
    assert stored.lifecycle == Publication.Lifecycle.LIVE
    assert pagecache.current_generation() != generation


def test_discarding_a_draft_keeps_the_live_version(make_publication, editor):
    publication = make_publication(summary="Old summary.")
    publication.save_draft({"summary": "New summary."}, editor)
    publication.discard_draft()
    stored = Publication.objects.get(pk=publication.pk)
    assert stored.summary == "Old summary." and stored.draft is None


def test_a_serialized_revision_becomes_a_draft(make_publication, editor):
    """Values as a serializer writes them (dates as text, files by name, extra fields)."""
    publication = make_publication(title="Old title")
    cover_name = publication.cover.name
    publication.save_draft(
        {
            "title": "Restored title",
            "publication_date": "2024-05-06",
            "cover": cover_name,
            "body_html": "<script>ignored</script>",
            "status": "draft",
        },
        editor,
    )
    preview = Publication.objects.get(pk=publication.pk).with_draft()
    assert preview.title == "Restored title"
    assert preview.publication_date == datetime.date(2024, 5, 6)
    assert preview.cover.name == cover_name
    publication.refresh_from_db()
    publication.publish(editor)
    publication.refresh_from_db()
    assert publication.status == Publication.Status.PUBLISHED
    assert publication.title == "Restored title"


def test_publishing_a_never_published_draft_dates_it_now(make_publication, editor):
    draft = make_publication(status=Publication.Status.DRAFT, publish_at=None)
    assert draft.lifecycle == Publication.Lifecycle.DRAFT
    before = timezone.now()
    draft.publish(editor)
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
    site.save_draft({"about_text": "Draft about."}, editor)
    assert SiteContent.load().about_text == ""
    assert SiteContent.load().with_draft().about_text == "Draft about."

    partner = make_partner(name="Old name")
    partner.save_draft({"name": "New name"}, editor)
    assert type(partner).objects.get(pk=partner.pk).name == "Old name"
    partner.publish(editor)
    assert type(partner).objects.get(pk=partner.pk).name == "New name"
