"""Turning a posted decision into choices, and writing it as a consent record.

The consent endpoint accepts a browser form (application/x-www-form-urlencoded) or JSON:

- ``action``: ``accept`` (all purposes), ``decline`` (only the required ones), ``save``
  (exactly the given choices) or ``grant`` (switch the given purposes on, keep the rest);
- choices: form fields (urlencoded or multipart) ``purpose-<slug>`` = ``on``/``off`` (an unchecked box sends nothing,
  which means off), or JSON ``"purposes": {"<slug>": true|false}``;
- ``next``: the same-site path to return to; ``shown``: the fingerprint of the texts the
  page displayed (optional; when given it must match the texts in force).

Each client network (the /24 or /48 that the records' IP hash covers, from the real client
address behind trusted proxies) may post CONSENT_RATE_LIMIT decisions per period; see
`wait_before_next`.
"""

import ipaddress
import json
import uuid

from django.core.exceptions import TooManyFieldsSent
from django.http import QueryDict
from django.http.multipartparser import MultiPartParserError
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language, gettext, pgettext

from reportsite import counters
from reportsite.client_address import client_ip

from . import chain, conf
from .models import ConsentRecord, ShownTexts
from .state import fingerprint as fingerprint_of
from .state import purpose_name, shown_texts

MAX_BODY_BYTES = 4096
ACTIONS = {"accept", "decline", "save", "grant"}
TRUE_VALUES = {"on", "1", "true", "yes"}
FALSE_VALUES = {"off", "0", "false", "no"}



class BadDecision(Exception):
    """A request the endpoint refuses; `status` and `message` are sent to the client."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def _read_body(request):
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise BadDecision(400, gettext("The Content-Length header is not a number.")) from None
    too_large = gettext("The request is too large (at most %(bytes)s bytes).")
    if length > MAX_BODY_BYTES:
        raise BadDecision(413, too_large % {"bytes": MAX_BODY_BYTES})
    body = request.body
    if len(body) > MAX_BODY_BYTES:
        raise BadDecision(413, too_large % {"bytes": MAX_BODY_BYTES})
    return body


def _flag(slug, value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in TRUE_VALUES | FALSE_VALUES:
        return value.strip().lower() in TRUE_VALUES
    raise BadDecision(400, gettext("The choice for “%(slug)s” must be on or off.") % {"slug": slug})


def parse(request):
    """(action, {slug: bool}, next, shown) from the body, or BadDecision."""
    body = _read_body(request)
    if request.content_type == "application/json":
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise BadDecision(400, gettext("The request body is not valid JSON.")) from None
        try:
            # Python's JSON reader accepts escaped lone surrogates ("\ud800"), which no
            # database, hash or response can encode.
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise BadDecision(
                400, gettext(
                    "The request body is not valid JSON: it holds text that is not valid "
                    "Unicode (an unpaired surrogate escape such as \\ud800)."
                )
            ) from None
        except RecursionError:
            raise BadDecision(
                400, gettext("The request body is not valid JSON: it is nested too deeply.")
            ) from None
        if not isinstance(data, dict):
            raise BadDecision(400, gettext("The JSON body must be an object."))
        purposes = data.get("purposes", {})
        if not isinstance(purposes, dict):
            raise BadDecision(400, gettext("“purposes” must map purpose names to true or false."))
        fields = data
    elif request.content_type in {"application/x-www-form-urlencoded", "multipart/form-data", ""}:
        try:
            fields = QueryDict(body) if not request.content_type else request.POST
        except TooManyFieldsSent:
            raise BadDecision(400, gettext("The form has too many fields.")) from None
        except MultiPartParserError:
            raise BadDecision(400, gettext("The form data is malformed.")) from None
        purposes = {
            key.removeprefix("purpose-"): fields[key]
            for key in fields
            if key.startswith("purpose-")
        }
    else:
        raise BadDecision(
            415,
            gettext("Send the choices as a form (application/x-www-form-urlencoded) or as JSON."),
        )
    action, next_url, shown = (fields.get(key) for key in ("action", "next", "shown"))
    if not isinstance(action, str) or action not in ACTIONS:
        raise BadDecision(400, gettext("Unknown action: choose accept, decline, save or grant."))
    for name, value in (("next", next_url), ("shown", shown)):
        if value is not None and not isinstance(value, str):
            raise BadDecision(400, gettext("“%(name)s” must be a string.") % {"name": name})
    choices = {str(slug): _flag(slug, value) for slug, value in purposes.items()}
    return action, choices, next_url or "", shown or ""


def decide(state, action, given):
    """The visitor's new choices and the recorded action, or BadDecision."""
    known = {purpose.slug: purpose for purpose in state.purposes}
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise BadDecision(
            400,
            gettext("Unknown purpose: %(purposes)s.")
            % {"purposes": pgettext("list of purposes", ", ").join(f"“{s}”" for s in unknown)},
        )
    for slug, on in given.items():
        if known[slug].always_on and not on:
            raise BadDecision(
                400,
                gettext("%(purpose)s cannot be switched off: the site cannot work without it.")
                % {"purpose": purpose_name(known[slug])},
            )
    previous = {slug: bool(on) for slug, on in (state.cookie or {}).get("c", {}).items()}
    if action == "accept":
        choices = {slug: True for slug in known}
    elif action == "decline":
        choices = {slug: purpose.always_on for slug, purpose in known.items()}
    elif action == "save":
        choices = {slug: purpose.always_on or given.get(slug, False) for slug, purpose in known.items()}
    else:
        if not given:
            raise BadDecision(400, gettext("Name the purpose to allow."))
        if not all(given.values()):
            raise BadDecision(
                400, gettext("“grant” only switches purposes on; use “save” to refuse.")
            )
        choices = {**state.choices, **given}
    if any(previous.get(slug) and not on for slug, on in choices.items()):
        recorded = ConsentRecord.Action.WITHDRAW
    elif action == "accept":
        recorded = ConsentRecord.Action.ACCEPT_ALL
    elif action == "decline":
        recorded = ConsentRecord.Action.DECLINE_ALL
    else:
        recorded = ConsentRecord.Action.CUSTOM
    return choices, recorded


def client_network(address):
    """The /24 (IPv4) or /48 (IPv6) network of an address, as text; "" if it is not one."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return ""
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def ip_hash(address):
    """Keyed hash of the address truncated to its /24 (IPv4) or /48 (IPv6) network."""
    network = client_network(address)
    if not network:
        return ""
    return salted_hmac(
        "consent.ip", network, secret=chain.derived_key("ip"), algorithm="sha256"
    ).hexdigest()


PERIOD_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate):
    """(events, seconds) of a rate such as "60/m" or "300/5m" (checked at start-up)."""
    events, _, period = rate.partition("/")
    return int(events), int(period[:-1] or 1) * PERIOD_UNITS[period[-1]]


def wait_before_next(request):
    """Seconds this client's network must wait before its next decision (0: go ahead).

    Counts the request in reportsite.counters (fixed windows, apart from the page cache, so
    that no page traffic can reset them, and shared by every worker and server). If nothing
    can count, decisions are let through: withdrawing consent must never depend on it.
    """
    rate = conf.CONSENT_RATE_LIMIT
    if not rate:
        return 0
    allowed, period = parse_rate(rate)
    network = client_network(client_ip(request)) or "unknown"
    counted, seconds_left = counters.count("consent.decide", network, period)
    return seconds_left if counted > allowed else 0


def record(request, state, choices, action, path, shown):
    """Write the decision as one chained record; returns it."""
    texts = shown_texts(state.purposes, state.gpc and not state.decided)
    # The same texts as state.texts_fingerprint hashes, built once (they cost a good part
    # of a decision's CPU: every purpose's name and description through gettext).
    fingerprint = fingerprint_of(texts)
    if shown and shown != fingerprint:
        raise BadDecision(
            409,
            gettext(
                "The texts about cookies changed since this page was loaded. Please reload "
                "the page, review them and choose again."
            ),
        )
    entry = ConsentRecord(
        consent_id=uuid.UUID(state.consent_id) if state.consent_id else uuid.uuid4(),
        created_at=None,
        policy_version=state.version.number,
        choices=choices,
        action=action,
        gpc=state.gpc,
        path=path[:500],
        user_agent=request.headers.get("User-Agent", "")[:200],
        ip_hash=ip_hash(client_ip(request)),
        texts_fingerprint=fingerprint,
        # The page's language (its URL prefix): the texts above are in it.
        language=get_language(),
    )
    # A new consent id has no earlier records (consent.summary need not look for them).
    entry.first_of_visitor = not state.consent_id
    # The texts go in the records' transaction: no record names texts that were not kept.
    chain.append([entry], first=[ShownTexts.objects.keep(fingerprint, texts)])
    return entry


def analytics_script():
    """The analytics script's attributes, or None while analytics is not configured."""
    if not conf.ANALYTICS_SCRIPT_URL:
        return None
    return {"src": conf.ANALYTICS_SCRIPT_URL, "site_id": conf.ANALYTICS_SITE_ID}
