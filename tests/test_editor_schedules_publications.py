"""An editor schedules a publication to go live and to expire; the site (page cache
included) follows the schedule by itself."""

import datetime
import time

import pytest
from django.test import Client
from django.utils import timezone

from editorial.actions import SaveDraft
from publications.models import Publication
from publications.seed import load_seed_content
from tests.test_editor_drafts_live_content import change_form_data, change_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("consent_seed")]

PUBLIC_LISTS = ("/", "/publications/", "/publications/feed/", "/sitemap.xml")


def seen(path):
    response = Client().get(path)
    assert response.status_code == 200, path
    return response.get("X-Page-Cache"), response.content.decode()


def test_an_expired_publication_disappears_from_every_list_feed_and_sitemap(make_publication):
    load_seed_content()
    expired = make_publication(
        title="Superseded key update",
        slug="superseded-key-update",
        featured=True,
        expire_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    for path in PUBLIC_LISTS:
        _, html = seen(path)
        assert "Superseded key update" not in html and "superseded-key-update" not in html, path
    assert Client().get(expired.get_absolute_url()).status_code == 404


def test_a_publication_expires_on_time_with_the_page_cache_on(make_publication):
    load_seed_content()
    make_publication(
        title="Embargo-limited update",
        slug="embargo-limited-update",
        expire_at=timezone.now() + datetime.timedelta(seconds=2),
    )
    for path in PUBLIC_LISTS:
        assert "embargo-limited-update" in seen(path)[1], path
    cached, _ = seen("/")
    assert cached == "hit"
    time.sleep(2.2)
    for path in PUBLIC_LISTS:
        _, html = seen(path)
        assert "embargo-limited-update" not in html, f"{path} still lists an expired publication"


def test_editor_schedules_a_draft_and_it_appears_on_time_with_the_page_cache_on(
    editor_client, make_publication
):
    load_seed_content()
    draft = make_publication(
        title="Scheduled key update", slug="scheduled-key-update",
        status=Publication.Status.DRAFT, publish_at=None,
    )
    go_live = timezone.now() + datetime.timedelta(seconds=3)
    data = change_form_data(editor_client, change_url(draft), _publish="Publish")
    data["publish_at_0"], data["publish_at_1"] = go_live.date().isoformat(), go_live.strftime("%H:%M:%S")
    response = editor_client.post(change_url(draft), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    assert draft.lifecycle == Publication.Lifecycle.SCHEDULED

    listing = editor_client.get("/admin/publications/publication/?lifecycle=scheduled").content.decode()
    assert "Scheduled key update" in listing and "Scheduled for " in listing
    assert f"{timezone.localtime(draft.publish_at):%H:%M} UTC" in listing, "no time zone shown"
    editor_client.logout()

    for path in PUBLIC_LISTS:
        assert "scheduled-key-update" not in seen(path)[1], path
    assert seen("/")[0] == "hit"
    time.sleep(max(0, (draft.publish_at - timezone.now()).total_seconds()) + 0.2)
    for path in PUBLIC_LISTS:
        assert "scheduled-key-update" in seen(path)[1], f"{path} missed the scheduled publication"


def test_an_expiry_before_the_go_live_time_is_refused(editor_client, make_publication):
    publication = make_publication(summary="Unchanged.")
    data = change_form_data(editor_client, change_url(publication), _save_draft="1", summary="Changed.")
    data["expire_at_0"], data["expire_at_1"] = "2020-01-01", "00:00:00"
    response = editor_client.post(change_url(publication), data)
    assert response.status_code == 200
    assert "The expiry time must come after the go-live time." in response.content.decode()
    publication.refresh_from_db()
    assert publication.draft is None and publication.summary == "Unchanged."


def test_the_partner_list_cannot_change_live_partners_outside_publish(editor_client, make_partner, client):
    """Unticking Active or changing the order in the list once took a partner off the site
    at once, with no draft and no revision, and undid another editor's pending draft."""
    partner = make_partner(name="Zeta Listed Institute", order=1)
    SaveDraft(partner, values={"description": "Draft description."}).execute()
    listing = editor_client.get("/admin/publications/partnerorganisation/").content.decode()
    assert 'name="form-0-active"' not in listing and 'name="form-0-order"' not in listing
    response = editor_client.post(
        "/admin/publications/partnerorganisation/",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(partner.pk),
            "form-0-order": "5",
            "_save": "Save",
        },
    )
    assert response.status_code in (200, 302)
    partner.refresh_from_db()
    assert (partner.order, partner.active) == (1, True)
    assert partner.draft["description_en"] == "Draft description."
    assert "Zeta Listed Institute" in client.get("/").content.decode()
    # The way that works: a draft, then Publish (one revision each).
    form = change_form_data(editor_client, change_url(partner), active=False, _publish="Publish")
    assert editor_client.post(change_url(partner), form).status_code == 302
    partner.refresh_from_db()
    assert not partner.active and partner.draft is None
    assert "Zeta Listed Institute" not in client.get("/").content.decode()


def test_seed_publications_went_live_on_their_own_dates():
    """The dashboard once said every seed item was "live since" the moment it was loaded."""
    load_seed_content()
    for publication in Publication.objects.all():
        assert timezone.localtime(publication.publish_at).date() == publication.publication_date
        assert publication.lifecycle == Publication.Lifecycle.LIVE
