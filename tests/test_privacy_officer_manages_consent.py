"""Privacy officers manage consent in the admin; nobody there can override a visitor's refusal."""

import pytest
from django.contrib.auth.models import Group
from django.core.management.sql import emit_post_migrate_signal
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consent.models import ConsentRecord, PolicyVersion, Purpose, PurposeNotRemovable
from tests.conftest import ANALYTICS_URL, SAME_ORIGIN, in_english_columns

pytestmark = pytest.mark.usefixtures("consent_seed")



def signed_in_browser(user):
    """A browser of its own for `user` (several people act in one test)."""
    browser = Client()
    browser.force_login(user)
    return browser


def decide(visitor, action, gpc=False, **purposes):
    data = {"action": action, **{f"purpose-{slug}": on for slug, on in purposes.items()}}
    headers = {**SAME_ORIGIN, **({"Sec-GPC": "1"} if gpc else {})}
    return visitor.post("/consent/", data, headers=headers)


def analytics_form(**fields):
    return in_english_columns({
        "name": "Analytics",
        "slug": "analytics",
        "description": "Statistics.",
        "required": "on",
        "order": 30,
        **fields,
    })


def test_editor_and_admin_cannot_make_analytics_required_for_a_declining_visitor(
    editor, admin_user, analytics
):
    """The attack of issue 8: delete "Analytics", add it back as required, decline with GPC."""
    decide(Client(), "accept")  # a first visitor's record refers to every purpose
    analytics_purpose = Purpose.objects.get(slug="analytics")

    # Editors no longer touch consent at all.
    editor_browser = signed_in_browser(editor)
    delete_url = f"/admin/consent/purpose/{analytics_purpose.pk}/delete/"
    assert editor_browser.post(delete_url, {"post": "yes"}).status_code == 403
    assert editor_browser.post("/admin/consent/purpose/add/", analytics_form()).status_code == 403

    # Whoever may manage purposes cannot delete one that records refer to...
    admin = signed_in_browser(admin_user)
    page = admin.post(delete_url, {"post": "yes"}, follow=True).content.decode()
    assert "“Analytics” cannot be deleted: consent records refer to it" in page
    assert "Retire it instead (the action “Retire selected purposes”" in page
    assert Purpose.objects.filter(pk=analytics_purpose.pk).exists()
    # Nor can any code path past the admin.
    with pytest.raises(PurposeNotRemovable), transaction.atomic():
        Purpose.objects.filter(slug="analytics").delete()
    assert Purpose.objects.filter(pk=analytics_purpose.pk).exists()
    # ...nor add it back (or a twin of it) as required.
    page = admin.post("/admin/consent/purpose/add/", analytics_form()).content.decode()
    assert "Purpose with this Slug already exists." in page
    # The change page no longer offers the switch.
    page = admin.get(f"/admin/consent/purpose/{analytics_purpose.pk}/change/").content.decode()
    assert 'name="required"' not in page
    admin.post(
        f"/admin/consent/purpose/{analytics_purpose.pk}/change/",
        {"name": "Analytics", "description": "Statistics.", "required": "on", "order": 30},
    )
    assert Purpose.objects.get(pk=analytics_purpose.pk).required is False

    declining = Client()
    assert decide(declining, "decline", gpc=True).status_code == 303
    record = ConsentRecord.objects.latest("sequence")
    assert record.action == "decline_all" and record.gpc is True
    assert record.choices["analytics"] is False
    assert ANALYTICS_URL not in declining.get("/", headers={"Sec-GPC": "1"}).content.decode()
    new_visitor_page = Client().get("/", headers={"Sec-GPC": "1"}).content.decode()
    assert ANALYTICS_URL not in new_visitor_page


def test_on_a_fresh_site_analytics_deleted_and_added_back_still_cannot_be_required(
    admin_user, analytics
):
    admin = signed_in_browser(admin_user)
    analytics_purpose = Purpose.objects.get(slug="analytics")
    # No record refers to it yet, so it may go.
    response = admin.post(f"/admin/consent/purpose/{analytics_purpose.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Purpose.objects.filter(slug="analytics").exists()

    page = admin.post("/admin/consent/purpose/add/", analytics_form()).content.decode()
    assert "“analytics” can never be required: visitors must be free to refuse it." in page
    assert not Purpose.objects.filter(slug="analytics").exists()
    embeds = Purpose.objects.get(slug="embeds")
    assert admin.get(f"/admin/consent/purpose/{embeds.pk}/change/").status_code == 200

    # Added back as optional, it is the analytics purpose again, with its rules.
    response = admin.post("/admin/consent/purpose/add/", analytics_form(required=""))
    assert response.status_code == 302
    # Past the admin, the database itself refuses.
    for slug, required in (("analytics", True), ("embeds", True), ("functional", False)):
        with pytest.raises(IntegrityError), transaction.atomic():
            Purpose.objects.filter(slug=slug).update(required=required)

    declining = Client()
    decide(declining, "decline", gpc=True)
    assert ConsentRecord.objects.get().choices == {
        "functional": True, "embeds": False, "analytics": False,
    }
    assert ANALYTICS_URL not in declining.get("/").content.decode()


def test_a_row_saying_analytics_is_required_is_still_refused_on_decline(analytics, client):
    """Whatever a stale cache or an old row says, the code's rule decides."""
    from consent import state

    version, purposes = state.consent_config()
    for purpose in purposes:
        if purpose.slug == "analytics":
            purpose.required = True  # as if written before the constraint existed
    decide(client, "decline", gpc=True)
    assert ConsentRecord.objects.get().choices["analytics"] is False
    assert ANALYTICS_URL not in client.get("/").content.decode()


def test_purposes_in_records_cannot_be_bulk_deleted(privacy_officer_client):
    decide(Client(), "decline")
    ids = list(Purpose.objects.values_list("pk", flat=True))
    page = privacy_officer_client.post(
        "/admin/consent/purpose/",
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
        follow=True,
    ).content.decode()
    assert "“Embedded external content” cannot be deleted: consent records refer to it" in page
    assert Purpose.objects.count() == 3
    # A purpose no record names may go.
    unused = Purpose.objects.create(slug="newsletter", name="Newsletter", description="Mail.")
    response = privacy_officer_client.post(
        "/admin/consent/purpose/",
        {"action": "delete_selected", "_selected_action": [unused.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Purpose.objects.filter(slug="newsletter").exists()


def test_privacy_officer_opens_and_rewords_an_existing_purpose(privacy_officer_client):
    embeds = Purpose.objects.get(slug="embeds")
    url = f"/admin/consent/purpose/{embeds.pk}/change/"
    page = privacy_officer_client.get(url)
    assert page.status_code == 200
    assert 'name="slug"' not in page.content.decode()
    response = privacy_officer_client.post(
        url,
        in_english_columns({"name": "Videos", "description": "YouTube and Vimeo players.", "order": 5}),
    )
    assert response.status_code == 302
    assert "YouTube and Vimeo players." in Client().get("/").content.decode()


def retire(browser, *purposes):
    """Run the admin action "Retire selected purposes"; the page the officer sees next."""
    return browser.post(
        "/admin/consent/purpose/",
        {"action": "retire_selected", "_selected_action": [p.pk for p in purposes]},
        follow=True,
    ).content.decode()


def test_retiring_a_purpose_stops_the_banner_asking_and_starts_a_new_policy_version(
    privacy_officer_client,
):
    visitor = Client()
    decide(visitor, "accept")
    assert 'id="consent-banner"' not in visitor.get("/").content.decode()
    embeds = Purpose.objects.get(slug="embeds")
    page = retire(privacy_officer_client, embeds)
    assert "Retired “Embedded external content”: the banner no longer asks for it." in page
    current = PolicyVersion.objects.current()
    assert current.number == 2 and current.effective_date == timezone.localdate()
    assert current.text == PolicyVersion.objects.get(number=1).text

    page = visitor.get("/").content.decode()
    assert 'id="consent-banner"' in page  # asked again, under version 2
    assert 'name="purpose-embeds"' not in page and 'name="purpose-analytics"' in page
    response = decide(visitor, "save", embeds="on")
    assert response.status_code == 400 and "Unknown purpose: “embeds”." in response.content.decode()
    decide(visitor, "accept")
    assert ConsentRecord.objects.latest("sequence").choices == {
        "functional": True, "analytics": True,
    }
    # Records keep it, so it stays; the required purpose cannot be retired.
    assert Purpose.objects.get(pk=embeds.pk).retired
    functional = Purpose.objects.get(slug="functional")
    page = retire(privacy_officer_client, functional)
    assert "“Functional” cannot be retired: the site cannot work without it." in page
    assert PolicyVersion.objects.count() == 2


def test_privacy_officers_manage_consent_and_editors_no_longer_do(privacy_officer, editor):
    officer, editor_browser = signed_in_browser(privacy_officer), signed_in_browser(editor)
    purpose = Purpose.objects.get(slug="analytics")
    for url in (
        "/admin/consent/purpose/",
        f"/admin/consent/purpose/{purpose.pk}/change/",
        "/admin/consent/purpose/add/",
        "/admin/consent/policyversion/",
        "/admin/consent/policyversion/add/",
        "/admin/consent/consentrecord/",
        "/admin/consent/consentrecord/overview/",
        "/admin/consent/showntexts/",
    ):
        assert officer.get(url).status_code == 200, url
        assert editor_browser.get(url).status_code == 403, url
    assert officer.get("/admin/publications/publication/").status_code == 403
    assert editor_browser.get("/admin/publications/publication/").status_code == 200
    index = editor_browser.get("/admin/").content.decode()
    assert "Purposes" not in index and "Cookie policy versions" not in index


def test_the_groups_are_kept_in_sync_after_every_migrate():
    Group.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    # Once per migrate (and per flush of a test database), after the last app's permissions
    # exist; not once per app, as when they listened to every app's signal (17 times each).
    lookups = [query["sql"] for query in queries if '"auth_group"."name" =' in query["sql"]]
    assert len(lookups) == 2, lookups
    officers = set(
        Group.objects.get(name="Privacy officers").permissions.values_list("codename", flat=True)
    )
    assert {
        "add_purpose", "change_purpose", "delete_purpose", "view_purpose",
        "add_policyversion", "change_policyversion", "view_consentrecord",
        "view_consent_overview", "view_showntexts",
    } <= officers
    assert not {"change_consentrecord", "delete_consentrecord", "change_publication"} & officers
    editors = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    assert not {codename for codename in editors if "purpose" in codename or "policy" in codename}
    # The web edition's models come from an app listed after both groups' apps.
    assert {"change_figure", "change_editionimport"} <= editors


def test_privacy_officer_publishes_a_new_policy_version(privacy_officer_client):
    response = privacy_officer_client.post(
        "/admin/consent/policyversion/add/",
        {"number": 2, "effective_date": timezone.localdate().isoformat(), "text_en": "New text."},
    )
    assert response.status_code == 302
    assert PolicyVersion.objects.current().number == 2
    # A version in force is what visitors agreed to: it cannot be edited any more.
    version = PolicyVersion.objects.get(number=2)
    page = privacy_officer_client.get(f"/admin/consent/policyversion/{version.pk}/change/")
    assert b'name="text_en"' not in page.content
