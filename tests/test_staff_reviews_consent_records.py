"""Accountable staff review consent records in the admin (purposes and policy versions: see
test_privacy_officer_manages_consent)."""

import csv
import datetime
import io
import uuid
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from consent import chain
from consent.models import ConsentRecord, Purpose

pytestmark = pytest.mark.usefixtures("consent_seed")

PASSWORD = "correct horse battery staple"


def record(consent_id=None, action="custom", version=1, analytics=False, days_ago=0):
    entry = ConsentRecord(
        consent_id=consent_id or uuid.uuid4(),
        created_at=timezone.now() - datetime.timedelta(days=days_ago),
        policy_version=version,
        choices={"functional": True, "embeds": False, "analytics": analytics},
        action=action,
        path="/",
        texts_fingerprint="ab" * 32,
    )
    chain.append([entry])
    return entry


@pytest.fixture
def officer_client(client, django_user_model):
    """A staff member holding the dedicated consent permissions (e.g. the privacy officer)."""
    user = django_user_model.objects.create_user("officer", password=PASSWORD, is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="view_consentrecord"),
        Permission.objects.get(codename="view_consent_overview"),
    )
    client.login(username="officer", password=PASSWORD)
    return client


def test_records_are_read_only_in_the_admin(officer_client):
    entry = record()
    page = officer_client.get(f"/admin/consent/consentrecord/{entry.pk}/change/")
    assert page.status_code == 200
    assert b'name="choices"' not in page.content and b"Save" not in page.content
    assert officer_client.get("/admin/consent/consentrecord/add/").status_code == 403
    assert officer_client.post(f"/admin/consent/consentrecord/{entry.pk}/delete/").status_code == 403
    assert officer_client.post(
        f"/admin/consent/consentrecord/{entry.pk}/change/", {"action": "accept_all"}
    ).status_code == 403
    assert ConsentRecord.objects.get().action == "custom"


def test_records_can_be_searched_by_consent_id_and_filtered(officer_client):
    mine = uuid.uuid4()
    record(consent_id=mine, action="accept_all", analytics=True)
    record(consent_id=mine, action="withdraw")
    record(action="decline_all", version=1)
    record(action="custom", version=2, analytics=True, days_ago=40)

    def listed(query):
        page = officer_client.get("/admin/consent/consentrecord/" + query)
        assert page.status_code == 200
        return page.context["cl"].result_count

    assert listed(f"?q={mine}") == 2
    assert listed("?q=not-a-uuid") == 0
    assert listed("?action__exact=withdraw") == 1
    assert listed("?version=2") == 1
    assert listed("?purpose=analytics:1") == 2
    assert listed("?purpose=analytics:0") == 2
    week_ago = (timezone.now() - datetime.timedelta(days=7)).isoformat()
    assert listed("?" + urlencode({"created_at__gte": week_ago})) == 3


def test_selected_records_export_as_csv(officer_client):
    entries = [record(action="accept_all"), record(action="decline_all")]
    response = officer_client.post(
        "/admin/consent/consentrecord/",
        {"action": "export_csv", "_selected_action": [e.pk for e in entries]},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["action"] for row in rows] == ["accept_all", "decline_all"]
    assert rows[0]["record_hash"] == entries[0].record_hash


def test_viewing_records_alone_does_not_allow_the_export_or_overview(client, django_user_model):
    user = django_user_model.objects.create_user("auditor", password=PASSWORD, is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_consentrecord"))
    client.login(username="auditor", password=PASSWORD)
    entry = record()
    page = client.get("/admin/consent/consentrecord/")
    assert page.status_code == 200 and b"export_csv" not in page.content
    assert b"Weekly overview" not in page.content
    assert client.get("/admin/consent/consentrecord/overview/").status_code == 403
    response = client.post("/admin/consent/consentrecord/",
                           {"action": "export_csv", "_selected_action": [entry.pk]})
    assert not response.get("Content-Type", "").startswith("text/csv")


def test_weekly_overview_shows_the_share_who_allowed_each_purpose(officer_client):
    # This week: three visitors, two allow analytics (one changed their mind: last counts).
    changed = uuid.uuid4()
    record(consent_id=changed, analytics=False)
    record(consent_id=changed, analytics=True)
    record(analytics=True)
    record(analytics=False)
    page = officer_client.get("/admin/consent/consentrecord/overview/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "<svg" in text and "<polyline" in text and 'role="img"' in text
    this_week = page.context["weeks"][-1]
    assert this_week["visitors"] == 3
    assert this_week["shares"] == {"embeds": 0.0, "analytics": 66.7}
    assert "66.7 %" in text
    assert page.context["weeks"][0]["visitors"] == 0
    assert Purpose.objects.filter(required=False).count() == len(page.context["chart"]["lines"])
    assert b"Weekly overview" in officer_client.get("/admin/consent/consentrecord/").content


def test_the_texts_behind_a_fingerprint_are_readable_with_the_records(officer_client, client):
    from consent.models import ShownTexts

    ShownTexts.objects.create(fingerprint="ab" * 32, content={"title": "Use of personal data"})
    page = officer_client.get(f"/admin/consent/showntexts/{'ab' * 32}/change/")
    assert page.status_code == 200 and b"Use of personal data" in page.content
    assert officer_client.get(f"/admin/consent/showntexts/{'ab' * 32}/delete/").status_code == 403


def test_the_overview_splits_decisions_by_language(officer_client):
    old = record(analytics=True)  # before languages: counted as English
    french = ConsentRecord(
        consent_id=uuid.uuid4(), created_at=None, policy_version=1, action="custom",
        choices={"functional": True, "embeds": False, "analytics": False},
        texts_fingerprint="ab" * 32, language="fr",
    )
    chain.append([french])
    url = "/admin/consent/consentrecord/overview/"

    def visitors(language):
        page = officer_client.get(url, {"language": language} if language else {})
        assert page.status_code == 200
        return sum(week["visitors"] for week in page.context["weeks"])

    assert (visitors(""), visitors("en"), visitors("fr"), visitors("ar")) == (2, 1, 1, 0)
    assert old.language == ""
    response = officer_client.get(url, {"language": "xx"})
    assert response.status_code == 400
    assert b"Unknown language" in response.content
    listing = officer_client.get("/admin/consent/consentrecord/", {"language__exact": "fr"})
    assert str(french.consent_id) in listing.content.decode()
    assert str(old.consent_id) not in listing.content.decode()
