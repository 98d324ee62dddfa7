"""A visitor's consent state, read from the signed cookie, and what pages may depend on.

Everything a rendered page shows about consent (banner or not, switches, analytics tag,
embeds) is a function of `ConsentState` alone, which `page_variant` names with a short key,
so a page cache can store one copy per key instead of one per visitor: the app registers
`page_variant` with `reportsite.pagecache` at start-up (see consent.apps).
"""

import dataclasses
import functools
import hashlib
import json
import time
import uuid

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop, pgettext

from reportsite.pagecache import current_generation

from . import conf
from .models import PolicyVersion, Purpose

COOKIE_SALT = "consent.cookie"
# The fixed texts, in English; visitors read them in the page's language (gettext), and
# what a record proves is the text in that language (see shown_texts).
BANNER_TITLE = gettext_noop("Use of personal data and cookies")
GPC_NOTE = gettext_noop(
    "Your browser sent a Global Privacy Control signal, so we have switched off every "
    "optional purpose. Thank you for telling us; you can still choose otherwise here."
)


class ForgedCookie(Exception):
    """The consent cookie was not signed by this site (or was tampered with)."""


def purpose_name(purpose):
    """The purpose's name in the active language (its English one while untranslated):
    purposes are content, worded by privacy officers in every language (consent.translation)."""
    return purpose.name


def purpose_description(purpose):
    return purpose.description


def banner_text(purposes):
    names = [purpose_name(purpose) for purpose in purposes]
    if len(names) == 1:
        listed = names[0]
    else:
        # Translators: joins the last two purpose names, e.g. "Functional, Embeds & Analytics".
        listed = gettext("%(names)s & %(last)s") % {
            # Translators: separates purpose names in a sentence ("Functional, Embeds & ...").
            "names": pgettext("list of purposes", ", ").join(names[:-1]),
            "last": names[-1],
        }
    return gettext("We use cookies and process personal data for the following purposes: "
                   "%(purposes)s.") % {"purposes": listed}


def shown_texts(purposes, gpc):
    """The texts a visitor is shown in the active language, as stored for the proof (see
    ShownTexts): a French visitor's record proves the French texts."""
    return {
        "title": gettext(BANNER_TITLE),
        "text": banner_text(purposes) if purposes else "",
        "gpc_note": gettext(GPC_NOTE) if gpc else "",
        "purposes": [
            {
                "slug": purpose.slug,
                "name": purpose_name(purpose),
                "description": purpose_description(purpose),
                "required": purpose.required,
            }
            for purpose in purposes
        ],
    }


def fingerprint(texts):
    canonical = json.dumps(texts, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def max_age_seconds():
    return conf.CONSENT_MAX_AGE_DAYS * 24 * 3600


@functools.lru_cache(maxsize=4096)
def _unsign(value, secret_key):
    """The signed payload of a cookie value, or None if this site did not sign it.

    Memoised: every cached page served to a visitor who decided checks their cookie, and
    many requests carry the same one. Expiry is checked by the caller, on every request.
    The key is an argument so that a rotated SECRET_KEY never finds an old verdict.
    """
    try:
        return signing.loads(value, key=secret_key, salt=COOKIE_SALT)
    except signing.BadSignature:
        return None


def read_cookie(request):
    """The cookie's payload; None when absent or expired. Raises ForgedCookie."""
    value = request.COOKIES.get(conf.CONSENT_COOKIE_NAME)
    if not value:
        return None
    payload = _unsign(value, settings.SECRET_KEY)
    if payload is None:
        raise ForgedCookie
    try:
        cookie = {
            "id": str(uuid.UUID(payload["id"])),
            "v": int(payload["v"]),
            "c": {str(slug): bool(on) for slug, on in payload["c"].items()},
            "t": int(payload["t"]),
        }
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise ForgedCookie from error
    if cookie["t"] + max_age_seconds() < time.time():
        return None
    return cookie


def cookie_value(consent_id, version, choices):
    payload = {"id": str(consent_id), "v": version, "c": choices, "t": int(time.time())}
    return signing.dumps(payload, salt=COOKIE_SALT, compress=True)


def set_cookie(response, consent_id, version, choices):
    response.set_cookie(
        conf.CONSENT_COOKIE_NAME,
        cookie_value(consent_id, version, {slug: int(on) for slug, on in choices.items()}),
        max_age=max_age_seconds(),
        secure=conf.CONSENT_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def delete_cookie(response):
    response.delete_cookie(conf.CONSENT_COOKIE_NAME, samesite="Lax")


@dataclasses.dataclass
class ConsentState:
    version: PolicyVersion | None
    purposes: list
    gpc: bool
    cookie: dict | None
    forged_cookie: bool

    @property
    def decided(self):
        """The visitor decided under the policy version in force, within the lifetime."""
        return bool(self.version and self.cookie and self.cookie["v"] == self.version.number)

    @property
    def consent_id(self):
        return self.cookie["id"] if self.cookie else None

    @property
    def choices(self):
        """Purpose slug -> allowed, as the site must honour it now."""
        given = self.cookie["c"] if self.decided else {}
        return {
            purpose.slug: purpose.always_on or given.get(purpose.slug, False)
            for purpose in self.purposes
        }

    def allows(self, slug):
        return self.choices.get(slug, False)

    @property
    def texts(self):
        return shown_texts(self.purposes, self.gpc and not self.decided)

    @property
    def texts_fingerprint(self):
        return fingerprint(self.texts)


def sent_gpc(request):
    """Whether the browser sent a Global Privacy Control signal."""
    # From META: request.headers would copy every header first, on every cached page.
    return request.META.get("HTTP_SEC_GPC", "").strip() == "1"


def _config_key():
    return f"consent:config:{current_generation()}:{timezone.localdate().isoformat()}"


def consent_config():
    """The policy version in force and the purposes, as a pair.

    Every page shows them (banner, switches), so they are cached until an editor changes
    one or the day changes (a version dated in the future comes into force on its date).
    The last pair is also kept in this process, which spares unpickling it on every request.
    A save or delete clears this process's copy at once (`forget_config`, connected in
    consent.apps); other processes see the change through the key, which carries the
    site's content generation (moved by the same saves, in every process on every server).
    """
    key = _config_key()
    last_key, last_config = _last_config
    if key == last_key:
        return last_config
    config = cache.get(key)
    if config is None:
        config = (PolicyVersion.objects.current(), list(Purpose.objects.asked()))
        cache.set(key, config, 24 * 3600)
    _last_config[:] = [key, config]
    return config


def forget_config(**signal_arguments):
    """Drop this process's copy of the consent texts and what it derived from them."""
    _last_config[:] = [None, None]
    _decided_variants.clear()


_last_config = [None, None]
# (cookie value, GPC, consent texts' key) -> (variant, time the decision expires).
_decided_variants = {}
_DECIDED_VARIANTS_KEPT = 10_000


def get_state(request):
    """The request's consent state, computed once per request."""
    state = getattr(request, "_consent_state", None)
    if state is None:
        try:
            cookie, forged = read_cookie(request), False
        except ForgedCookie:
            cookie, forged = None, True
        version, purposes = consent_config()
        state = ConsentState(
            version=version,
            purposes=purposes,
            gpc=sent_gpc(request),
            cookie=cookie,
            forged_cookie=forged,
        )
        request._consent_state = state
    return state


def decided_variant(version, purposes, choices):
    """The page variant of a visitor who decided `choices` under `version`."""
    optional = sorted(
        (purpose.slug, bool(choices.get(purpose.slug))) for purpose in purposes
        if not purpose.always_on
    )
    return f"v{version.number}:" + ",".join(f"{slug}={int(on)}" for slug, on in optional)


def page_variant(request):
    """The short, stable key of everything a page's rendering takes from consent.

    Two requests with the same key get byte-identical consent markup (banner, dialog
    switches, analytics tag, embeds), whatever their cookies or consent ids, so a cache
    may key public pages on it (plus the URL). Values:

    - ``"new"``: no valid decision under the policy in force (banner shown);
    - ``"new-gpc"``: the same, with a ``Sec-GPC: 1`` request (banner with the GPC note);
    - ``"v3:analytics=1,embeds=0"``: decided under policy version 3, with each optional
      purpose (sorted by slug) allowed (1) or refused (0).

    The banner's texts (purposes, their descriptions) are not part of the key: a cache must
    be cleared when an editor changes them or publishes a policy version, as for any other
    content. (A version dated in the future needs nothing: from its date on, every decided
    visitor's key turns back to "new" by itself.) Costs no query: see `consent_config`.
    """
    if conf.CONSENT_COOKIE_NAME not in request.COOKIES:
        # The launch-day case, answered without looking anything up.
        return "new-gpc" if sent_gpc(request) else "new"
    # Visitors who decided come back with the same cookie: their variant is remembered
    # until the texts change or their decision expires, so a cached page costs them little.
    memo_key = (request.COOKIES[conf.CONSENT_COOKIE_NAME], sent_gpc(request), _config_key())
    remembered = _decided_variants.get(memo_key)
    if remembered and remembered[1] > time.time():
        return remembered[0]
    state = get_state(request)
    if not state.decided:
        return "new-gpc" if state.gpc else "new"
    variant = decided_variant(state.version, state.purposes, state.choices)
    if len(_decided_variants) >= _DECIDED_VARIANTS_KEPT:
        _decided_variants.clear()
    _decided_variants[memo_key] = (variant, state.cookie["t"] + max_age_seconds())
    return variant
