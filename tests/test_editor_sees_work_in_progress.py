"""The admin home is the editors' dashboard: what is in progress, each item linking to its
edit page; consent figures for whoever may see the consent overview; a fixed number of
queries whatever the amount of content.
"""

import datetime
import re

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from playwright.sync_api import expect

from editorial import history
from editorial.actions import SaveDraft
from publications.models import Publication, SiteContent
from tests.accessibility import assert_axe_clean
from tests.conftest import STAFF_PASSWORD

pytestmark = pytest.mark.django_db


def section(html, heading):
    """The HTML of the dashboard panel with this heading."""
    start = html.index(f">{heading}</h3>")
    end = html.find("</section>", start)
    return html[start:end]


def edit_link(publication):
    return f'href="/admin/publications/publication/{publication.pk}/change/"'


@pytest.fixture
def colleague(django_user_model, editor):
    user = django_user_model.objects.create_user(username="colleague", is_staff=True)
    user.groups.set(editor.groups.all())
    return user


def test_editor_sees_their_drafts_others_changes_schedule_expiry_and_recent_work(
    editor_client, editor, colleague, make_publication, make_partner
):
    now = timezone.now()
    mine = make_publication(title="My unfinished update", status=Publication.Status.DRAFT)
    history.record(mine, editor, "Created.")
    theirs = make_publication(title="Their unfinished update", status=Publication.Status.DRAFT)
    history.record(theirs, colleague, "Created.")
    live_mine = make_publication(title="Live with my changes")
    SaveDraft(live_mine, editor, values={"summary": "Better summary."}).execute()
    live_theirs = make_publication(title="Live with their changes")
    SaveDraft(live_theirs, colleague, values={"summary": "Other summary."}).execute()
    partner = make_partner(name="Delta Lab")
    SaveDraft(partner, editor, values={"description": "New words."}).execute()
    SaveDraft(SiteContent.load(), colleague, values={"about_text": "New about."}).execute()
    scheduled = make_publication(title="Coming next week", publish_at=now + datetime.timedelta(days=7))
    expiring = make_publication(title="Embargo ends soon", expire_at=now + datetime.timedelta(days=3))
    expired = make_publication(
        title="Superseded report",
        publish_at=now - datetime.timedelta(days=20),
        expire_at=now - datetime.timedelta(days=2),
    )
    long_expired = make_publication(
        title="Long gone",
        publish_at=now - datetime.timedelta(days=400),
        expire_at=now - datetime.timedelta(days=300),
    )

    response = editor_client.get("/admin/")
    assert response.status_code == 200
    html = response.content.decode()

    yours = section(html, "Your drafts and unpublished changes")
    for item in (mine, live_mine):
        assert edit_link(item) in yours
    assert f'href="/admin/publications/partnerorganisation/{partner.pk}/change/"' in yours
    assert "Their" not in yours and "Site texts" not in yours
    assert "Live with unpublished changes" in yours

    others = section(html, "Unpublished changes by others")
    for item in (theirs, live_theirs):
        assert edit_link(item) in others
    assert 'href="/admin/publications/sitecontent/1/change/"' in others
    assert "by colleague" in others and "My unfinished" not in others

    schedule = section(html, "Scheduled")
    assert edit_link(scheduled) in schedule and "Scheduled for" in schedule
    assert re.search(r"Scheduled for \d+ \w+ \d{4}, \d\d:\d\d \w+", schedule), "time zone shown"
    expiry = section(html, "Expiring soon or lately expired")
    assert edit_link(expiring) in expiry and edit_link(expired) in expiry
    assert edit_link(long_expired) not in expiry
    recent = section(html, "Recently published")
    assert edit_link(expiring) in recent and edit_link(live_mine) in recent
    assert edit_link(scheduled) not in recent and edit_link(expired) not in recent
    assert edit_link(mine) not in recent
    # Editors hold no consent permission: no consent figures.
    assert "Consent overview, by week" not in html


def test_whoever_may_see_the_consent_overview_gets_its_summary(
    client, django_user_model, consent_seed
):
    officer = django_user_model.objects.create_user(
        username="officer", password=STAFF_PASSWORD, is_staff=True
    )
    officer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_consentrecord", "view_consent_overview"])
    )
    client.force_login(officer)
    html = client.get("/admin/").content.decode()
    consent = section(html, "Consent")
    assert "Share of visitors who allowed each optional purpose" in consent
    assert 'href="/admin/consent/consentrecord/overview/"' in consent
    assert "Analytics" in consent
    # Content panels need content permissions.
    assert "Your drafts" not in html


def many_publications(make_publication, editor, count):
    """`count` more publications sharing one stored cover, each with three revisions."""
    template = make_publication(title=f"Template {count}")
    fields = {
        f.attname: getattr(template, f.attname)
        for f in Publication._meta.concrete_fields
        if not f.primary_key
    }
    now = timezone.now()
    created = Publication.objects.bulk_create(
        [
            Publication(
                **{
                    **fields,
                    "title": f"Bulk {count}-{number}",
                    "slug": f"bulk-{count}-{number}",
                    "status": ["draft", "published"][number % 2],
                    "publish_at": now + datetime.timedelta(hours=number % 5 - 2),
                    "expire_at": now + datetime.timedelta(days=number % 7) if number % 3 else None,
                    "draft": {"summary": "Draft summary."} if number % 4 == 0 else None,
                    "draft_saved_by_id": editor.pk if number % 8 == 0 else None,
                    "draft_saved_at": now if number % 4 == 0 else None,
                }
            )
            for number in range(count - 1)
        ]
    )
    for publication in [template, *created]:
        for comment in ("Created.", "Saved.", "Published."):
            history.record(publication, editor, comment)


def queries_for(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured.captured_queries)


@pytest.mark.parametrize("path", ["/admin/", "/admin/publications/publication/"])
def test_admin_home_and_publication_list_queries_do_not_grow_with_content(
    editor_client, editor, make_publication, path
):
    many_publications(make_publication, editor, 3)
    editor_client.get(path)  # content types and sessions cached as in a running site
    few = queries_for(editor_client, path)
    many_publications(make_publication, editor, 197)
    assert Publication.objects.count() == 200
    many = queries_for(editor_client, path)
    assert many == few, f"{path}: {few} queries with 3 publications, {many} with 200"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("page_name", ["dashboard", "history", "recover"])
def test_dashboard_history_and_recovery_pages_have_no_accessibility_violations(
    live_server, page, editor, make_publication, make_upload, consent_seed, django_user_model,
    page_name,
):
    # A superuser sees every panel: content and consent.
    django_user_model.objects.create_superuser("chief", password=STAFF_PASSWORD)
    publication = make_publication(title="Checked publication", summary="First words.")
    history.record(publication, editor, "Created.")
    publication.summary = "First <b>changed</b> words."
    publication.cover = make_upload("other-cover.png", colour=(200, 30, 30))
    publication.save()
    history.record(publication, editor, "Changed Summary and Front cover.")
    SaveDraft(publication, editor, values={"title": "Checked publication, revised"}).execute()
    history.record(publication, editor, "Draft saved.")
    make_publication(title="Later", publish_at=timezone.now() + datetime.timedelta(days=2))
    gone = make_publication(title="Deleted one")
    history.record(gone, editor, "Deleted.")
    gone.delete()
    version = history.deleted_versions(Publication).get()

    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill("chief")
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    path = {
        "dashboard": "/admin/",
        "history": f"/admin/publications/publication/{publication.pk}/history/",
        "recover": f"/admin/publications/publication/recover/{version.pk}/",
    }[page_name]
    page.goto(live_server.url + path)
    if page_name == "dashboard":
        expect(page.get_by_role("heading", name="Consent")).to_be_visible()
        expect(page.get_by_role("heading", name="Your drafts and unpublished changes")).to_be_visible()
    elif page_name == "history":
        expect(page.get_by_role("button", name="Restore this revision as draft").first).to_be_visible()
    else:
        expect(page.get_by_role("button", name="Recover “Deleted one”")).to_be_visible()
    assert_axe_clean(page)
