"""Bad input to the consent endpoint gets a clear 4xx and records nothing; nothing gives a 500."""

import json
import string
from urllib.parse import quote_plus, urlencode

import pytest
from django.core import signing
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from consent.models import ConsentRecord, ShownTexts
from tests.conftest import SAME_ORIGIN

pytestmark = pytest.mark.usefixtures("consent_seed")



def form(client, data, headers=SAME_ORIGIN, **extra):
    return client.post(
        "/consent/", urlencode(data, doseq=True),
        content_type="application/x-www-form-urlencoded", headers=headers, **extra,
    )


def as_json(client, body, headers=SAME_ORIGIN):
    if not isinstance(body, (str, bytes)):
        body = json.dumps(body)
    return client.post(
        "/consent/", body, content_type="application/json",
        headers={**headers, "Accept": "application/json"},
    )


def assert_refused(response, status, message):
    assert response.status_code == status
    text = response.content.decode()
    assert message in text, text
    assert ConsentRecord.objects.count() == 0
    assert ShownTexts.objects.count() == 0


def test_unknown_purpose_is_refused(client):
    assert_refused(form(client, {"action": "save", "purpose-marketing": "on"}), 400,
                   "Unknown purpose: “marketing”.")
    assert_refused(as_json(client, {"action": "save", "purposes": {"tracking": True}}), 400,
                   "Unknown purpose: “tracking”.")


def test_refusing_the_required_purpose_is_refused(client):
    message = "Functional cannot be switched off: the site cannot work without it."
    assert_refused(form(client, {"action": "save", "purpose-functional": "off"}), 400, message)
    assert_refused(as_json(client, {"action": "decline", "purposes": {"functional": False}}),
                   400, message)


def test_cross_site_post_is_refused(client):
    message = "Cross-site requests cannot change your cookie choices."
    evil = {"Origin": "https://evil.example"}
    assert_refused(form(client, {"action": "accept"}, headers=evil), 403, message)
    assert_refused(form(client, {"action": "accept"}, headers={"Sec-Fetch-Site": "cross-site"}),
                   403, message)
    assert_refused(form(client, {"action": "accept"}, headers={"Sec-Fetch-Site": "same-site"}),
                   403, message)
    # A lying Sec-Fetch-Site cannot launder a foreign Origin, and "null" origins are refused.
    assert_refused(form(client, {"action": "accept"},
                        headers={"Sec-Fetch-Site": "same-origin", **evil}), 403, message)
    assert_refused(form(client, {"action": "accept"}, headers={"Origin": "null"}), 403, message)


def test_post_without_origin_or_fetch_metadata_is_refused(client):
    assert_refused(form(client, {"action": "accept"}, headers={}), 403,
                   "could not be verified as coming from this site")


def test_trusted_origins_are_accepted(client, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://www.example.org", "https://*.example.net"]
    for origin in ("https://www.example.org", "https://news.example.net"):
        response = form(client, {"action": "decline"}, headers={"Origin": origin})
        assert response.status_code == 303
    assert ConsentRecord.objects.count() == 2
    for origin in ("http://www.example.org", "https://example.org.evil.example",
                   "http://news.example.net", "https://www.example.org:8443"):
        response = form(client, {"action": "decline"}, headers={"Origin": origin})
        assert response.status_code == 403, origin
    assert ConsentRecord.objects.count() == 2


@pytest.mark.parametrize(
    "body, message",
    [
        ("{not json", "The request body is not valid JSON."),
        (b"\xff\xfe\x00", "The request body is not valid JSON."),
        ("[1, 2]", "The JSON body must be an object."),
        ('{"action": "save", "purposes": ["analytics"]}', "“purposes” must map purpose names"),
        ('{"action": "save", "purposes": {"analytics": "maybe"}}', "must be on or off"),
        ('{"action": "save", "purposes": {"analytics": null}}', "must be on or off"),
        ('{"action": ["accept"]}', "Unknown action"),
        ('{"action": "accept", "next": 5}', "“next” must be a string."),
        ("[" * 3000 + "]" * 3000, "too large"),
        ("[" * 2000, "not valid JSON"),
        # Escaped lone surrogates decode to text no database, hash or response can encode.
        ('{"action": "accept", "next": "/\\ud800"}', "not valid Unicode"),
        ('{"action": "save", "purposes": {"\\ud800": true}}', "not valid Unicode"),
        ('{"action": "save", "purposes": {"analytics": "\\udfff"}}', "not valid Unicode"),
        ('{"action": "accept", "shown": "\\udc80", "x": ["\\ud83d"]}', "not valid Unicode"),
    ],
)
def test_malformed_json_is_refused(client, body, message):
    response = as_json(client, body)
    assert response.status_code in (400, 413)
    assert message in response.json()["error"]
    assert ConsentRecord.objects.count() == 0


@pytest.mark.parametrize("target", ["/\x00", "/a\x00b", "/\x7f", "/\n/evil.example", "/\ufffe"])
def test_control_characters_in_next_are_no_path_to_return_to(client, target):
    # PostgreSQL cannot store NUL; none of these is a page of the site.
    assert form(client, {"action": "decline", "next": target})["Location"] == "/"
    assert as_json(client, {"action": "decline", "next": target}).status_code == 200
    assert list(ConsentRecord.objects.values_list("path", flat=True)) == ["/", "/"]


def test_malformed_form_is_refused(client):
    assert_refused(form(client, {"next": "/"}), 400, "Unknown action")
    assert_refused(form(client, {"action": "accept-everything"}), 400, "Unknown action")
    assert_refused(form(client, {"action": "save", "purpose-analytics": "perhaps"}), 400,
                   "must be on or off")
    assert_refused(form(client, {"action": "grant"}), 400, "Name the purpose to allow.")
    assert_refused(form(client, {"action": "grant", "purpose-analytics": "off"}), 400,
                   "“grant” only switches purposes on")
    response = client.post("/consent/", "<xml/>", content_type="text/xml", headers=SAME_ORIGIN)
    assert_refused(response, 415, "Send the choices as a form")
    response = client.post(
        "/consent/", b"--x\r\nbroken", headers=SAME_ORIGIN,
        content_type="multipart/form-data; boundary=x",
    )
    assert response.status_code == 400
    assert ConsentRecord.objects.count() == 0


def test_oversized_body_is_refused(client):
    big = {"action": "accept", "next": "/" + "a" * 5000}
    assert_refused(form(client, big), 413, "The request is too large (at most 4096 bytes).")
    assert_refused(as_json(client, big), 413, "The request is too large")


@pytest.mark.parametrize("method", ["get", "put", "delete", "patch"])
def test_wrong_method_is_refused(client, method):
    response = getattr(client, method)("/consent/", headers=SAME_ORIGIN)
    assert_refused(response, 405, "Send your cookie choices with a POST request.")
    assert response["Allow"] == "POST"


def test_forged_cookie_is_refused_and_removed(client):
    forged = signing.dumps({"id": "00000000-0000-0000-0000-000000000000", "v": 1,
                            "c": {"analytics": 1}, "t": 0}, salt="someone-else")
    client.cookies["consent"] = forged
    response = form(client, {"action": "accept"})
    assert_refused(response, 400, "Your consent cookie was not issued by this site")
    assert response.cookies["consent"].value == ""
    client.cookies["consent"] = "garbage"
    assert_refused(form(client, {"action": "accept"}), 400, "not issued by this site")
    # A forged cookie never grants anything on pages either.
    client.cookies["consent"] = forged
    assert b'id="consent-banner"' in client.get("/").content


def test_texts_changed_since_the_page_was_shown_is_refused(client):
    assert_refused(form(client, {"action": "accept", "shown": "0" * 64}), 409,
                   "The texts about cookies changed since this page was loaded.")


def test_no_published_policy_means_nothing_can_be_recorded(client):
    from consent.models import PolicyVersion

    PolicyVersion.objects.all().delete()
    assert b'id="consent-banner"' not in client.get("/").content
    assert_refused(form(client, {"action": "accept"}), 409, "No cookie policy is published yet")


# Any text, lone surrogates and control characters included (st.text() never draws
# surrogates, even from such an alphabet, so the characters are joined here).
any_text = st.lists(
    st.one_of(
        st.characters(exclude_categories=()),
        st.sampled_from(["\ud800", "\udfff", "\x00", "\n", "\u2028", "\ufeff", "%", "&", "="]),
    ),
    max_size=40,
).map("".join)
form_values = st.one_of(
    any_text,
    st.sampled_from(["on", "off", "1", "0", "true", "accept", "decline", "save", "grant"]),
)
form_keys = st.one_of(
    st.sampled_from(["action", "next", "shown", "purpose-analytics", "purpose-embeds",
                     "purpose-functional", "purpose-x", "purposes"]),
    st.text(alphabet=string.printable, max_size=20),
    st.builds(lambda text: "purpose-" + text, any_text),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | any_text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(any_text, children,
                                                                      max_size=4),
    max_leaves=12,
)
purpose_names = st.one_of(st.sampled_from(["analytics", "embeds", "functional", "x"]), any_text)
well_formed_json = st.fixed_dictionaries(
    {"action": st.sampled_from(["accept", "decline", "save", "grant"])},
    optional={
        "purposes": st.dictionaries(purpose_names, st.one_of(st.booleans(), json_values),
                                    max_size=3),
        "next": st.builds(lambda text: "/" + text, any_text),
        "shown": any_text,
    },
)
json_bodies = st.one_of(
    well_formed_json,
    json_values,
    st.fixed_dictionaries(
        {"action": json_values},
        optional={"purposes": json_values, "next": json_values, "shown": json_values},
    ),
)


def urlencoded(fields):
    """A form body as any client may send it: text that is not valid UTF-8 included."""
    return "&".join(
        quote_plus(key.encode("utf-8", "surrogatepass"))
        + "="
        + quote_plus(value.encode("utf-8", "surrogatepass"))
        for key, value in fields
    )


def check_answer(response, before):
    assert response.status_code in (200, 303, 400, 409, 413, 415), response.content
    after = ConsentRecord.objects.count()
    if response.status_code in (200, 303):
        assert after == before + 1
    else:
        assert after == before
        assert response.content


HEADERS = st.sampled_from(
    [SAME_ORIGIN, {"Origin": "http://testserver"}, {"Sec-Fetch-Site": "none"}]
)
EXAMPLES = {"deadline": None, "suppress_health_check": [HealthCheck.function_scoped_fixture]}


@hypothesis_settings(max_examples=200, **EXAMPLES)
@given(body=json_bodies, headers=HEADERS, gpc=st.booleans())
def test_random_json_bodies_never_cause_a_server_error(client, settings, body, headers, gpc):
    settings.CONSENT_RATE_LIMIT = ""  # hundreds of posts from one address, on purpose
    before = ConsentRecord.objects.count()
    # json.dumps writes lone surrogates as \ud800 escapes, as a hostile client may.
    headers = {**headers, **({"Sec-GPC": "1"} if gpc else {})}
    check_answer(as_json(client, json.dumps(body), headers=headers), before)


@hypothesis_settings(max_examples=100, **EXAMPLES)
@given(fields=st.lists(st.tuples(form_keys, form_values), max_size=8), headers=HEADERS)
def test_random_forms_never_cause_a_server_error(client, settings, fields, headers):
    settings.CONSENT_RATE_LIMIT = ""
    before = ConsentRecord.objects.count()
    response = client.post(
        "/consent/", urlencoded(fields), content_type="application/x-www-form-urlencoded",
        headers=headers,
    )
    check_answer(response, before)


@hypothesis_settings(max_examples=100, **EXAMPLES)
@given(
    raw=st.binary(max_size=300),
    content_type=st.sampled_from(["application/json", "application/x-www-form-urlencoded"]),
)
def test_random_bytes_never_cause_a_server_error(client, settings, raw, content_type):
    settings.CONSENT_RATE_LIMIT = ""
    before = ConsentRecord.objects.count()
    response = client.post("/consent/", raw, content_type=content_type, headers=SAME_ORIGIN)
    check_answer(response, before)
