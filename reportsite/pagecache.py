"""Whole-page cache for the public pages, shared by every visitor in the same consent state.

(Consent is one *variant* a page may depend on; this module knows no app: apps register
what their pages vary on, which models change them and when content changes by itself.)

On launch day most visitors are new, so the page *with* the cookie banner must come from
the cache as well. That works because nothing on a public page is personal:

- the banner's forms carry no CSRF token (the consent endpoint checks Origin and
  Sec-Fetch-Site instead, see consent.views), and
- everything a page takes from the visitor is named by the *variants* apps register with
  `register_variant` (the consent app's: "new", "new-gpc", "v1:analytics=1,embeds=0"), so
  the cache key is URL + variants, never a raw cookie: all visitors with the same choices
  share one copy. Pages that show nothing of the visitor (feed, sitemap, robots.txt) say
  `public_page(variants=False)` and are stored once.
- the URL in the key is the path plus only the query parameters the page declares it uses
  (`public_page(query={...})`); the view sees only those too, so tracking tags (utm_*,
  fbclid) and any other unknown parameters neither create new entries nor cost a render,
  and a flood of junk query strings cannot push the real pages out of the cache.
- each declared parameter has one canonical spelling (see `Number` and `Text`): another
  spelling of the same value (`page=01`, `page=%2B1`, an Arabic-Indic digit, a repeated
  `kind=a&kind=a`, an empty `kind=`, `page=1` where the first page has no parameter) is a
  301 to the canonical address, and a value that means nothing (`page=x`, two different
  `kind`s) a 404; neither is stored. So the entries a flood can add are bounded by the
  real pages × variants.

Who is never served from (or stored in) the cache: anyone with a session cookie (editors
and staff, whose draft previews are private), any method but GET and HEAD (a HEAD is
answered from the GET's copy: Django renders the whole page for a HEAD and the server
drops the body), and any response that a view did not mark with `public_page`, that sets
a cookie, says `private`/`no-store`, or is not a 200.

Invalidation: every entry's key carries the *content generation*, which moves whenever an
editor saves or deletes content (apps list their models with `invalidate_on_change`), at
once and again when the transaction commits (see `content_changed`). A save
that writes only columns visitors never see (a model names them in
`pagecache_ignored_fields`, e.g. a pending draft) leaves the generation alone.
The generation must be the same for every worker process: with a process-local cache
(local memory, the default) it is the modification time of a stamp file on this machine;
with a shared cache (Redis) it is a key in that cache, so all servers see it at once, paired
with a counter in the database (reportsite.models.ContentGeneration) that a full, flushed
or restored Redis cannot set back (see `current_generation`). Changes known
in advance (a publication scheduled for later) limit an entry's lifetime through
`register_expiry`.

Compressed once: a stored page keeps its Brotli and gzip bodies, made when it is stored,
and every answer is the body in the encoding the request accepts; no request for a cached
page compresses anything (nginx passes an encoded response through untouched).

The front cache (nginx, deploy/nginx.conf.in) keeps its own copy of a page for a few
seconds, keyed on the request's address, the unsigned variant cookie (`pagevariant`), GPC
and the encoding, and sends that key along (X-Front-Cache-Key). The variant cookie names
the visitor's variants for nginx, which cannot read signed cookies; this middleware sets
it (and puts it right whenever it does not match what the app decided from the signed
cookie). A page may be stored there (Cache-Control with s-maxage) only when nginx's key is
exactly the key the app itself would file the page under, so a forged or stale variant
cookie, an unused parameter or another spelling of the address never fills nginx's cache.
"""

import gzip
import hashlib
import logging
import os
import re
import time
from functools import lru_cache, wraps
from pathlib import Path
from urllib.parse import urlencode

import brotli
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.signals import setting_changed
from django.db import DatabaseError, transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseNotModified,
    HttpResponsePermanentRedirect,
    QueryDict,
)
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.encoding import escape_uri_path

from .languages import language_of_path

logger = logging.getLogger(__name__)
GENERATION_KEY = "pagecache:generation"
# Response headers a cached copy keeps; the outer middleware (security headers, CSP,
# Permissions-Policy) adds its own on every response, cached or not.
# The settings of the headers middleware inside the page cache adds (they are stored).
STORED_POLICY_SETTINGS = (
    "CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY", "PERMISSIONS_POLICY",
)
_SKIPPED_HEADERS = {"set-cookie", "date", "content-length", "content-encoding"}
_expiry_sources = []
# name -> (request -> short key of what the page shows of that visitor), see register_variant.
_variant_sources = {}
# name -> the variant's values that a front server tells apart by request headers alone.
_header_variant_values = {}


def cache():
    """The cache that holds pages and what they are built from."""
    return caches[settings.PAGE_CACHE_ALIAS]


def _cache_is_process_local():
    return isinstance(cache(), LocMemCache)


def _stamp_file():
    return Path(settings.PAGE_CACHE_STAMP_FILE)


def _local_generation():
    try:
        return os.stat(settings.PAGE_CACHE_STAMP_FILE).st_mtime_ns
    except FileNotFoundError:
        return 0


# This process's copy of the database's generation and when it was read (time.monotonic()).
_stored = {"value": 0, "read_at": None}


def _stored_generation():
    """The generation in the database, read at most every PAGE_CACHE_GENERATION_CHECK
    seconds per process (the process that moved it knows at once)."""
    from .models import ContentGeneration

    now = time.monotonic()
    read_at = _stored["read_at"]
    if read_at is None or now - read_at >= settings.PAGE_CACHE_GENERATION_CHECK:
        try:
            value = ContentGeneration.objects.filter(pk=1).values_list("value", flat=True).first()
        except DatabaseError:
            # The database is away: cached pages are still served, on what we knew.
            logger.warning("Page cache: the content generation could not be read", exc_info=True)
        else:
            _stored["value"] = value or 0
        _stored["read_at"] = now
    return _stored["value"]


def forget_stored_generation():
    """Read the database's generation again on the next request (a new test database)."""
    _stored.update(value=0, read_at=None)


def current_generation():
    """What every cached page's key carries: it changes whenever content changes.

    Local memory: the stamp file's time (every worker on the machine sees it at once).
    Shared cache (Redis): the cache's copy, which every server sees at once, *and* the
    database's, which a Redis that is full, flushed or restarted from an old dump cannot
    set back: an edit reaches every visitor within PAGE_CACHE_GENERATION_CHECK seconds
    whatever Redis does.
    """
    if _cache_is_process_local():
        return _local_generation()
    return f"{cache().get(GENERATION_KEY, 0)}.{_stored_generation()}"


def move_cached_generation():
    """Move the generation that the cache (or the stamp file) holds, not the database's:
    what a test does between tests, whose databases are new anyway."""
    if not _cache_is_process_local():
        cache().set(GENERATION_KEY, time.time_ns(), None)
        return
    path = _stamp_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    previous = _local_generation()
    # Set the time explicitly: file systems round mtimes (to a few ms), and two changes in
    # one such tick must still give two generations.
    stamp = max(time.time_ns(), previous + 1)
    path.touch()
    os.utime(path, ns=(stamp, stamp))


def _move_stored_generation():
    from .models import ContentGeneration

    try:
        with transaction.atomic():
            if not ContentGeneration.objects.filter(pk=1).update(value=F("value") + 1):
                ContentGeneration.objects.get_or_create(pk=1, defaults={"value": 1})
            _stored["value"] = ContentGeneration.objects.get(pk=1).value
            _stored["read_at"] = time.monotonic()
    except DatabaseError:
        logger.error("Page cache: the content generation could not be moved in the "
                     "database; pages may be stale until they expire", exc_info=True)


def _committed():
    if not _cache_is_process_local():
        _move_stored_generation()
    move_cached_generation()


def content_changed(**kwargs):
    """Make every cached page stale, in every worker process on every server.

    At once (so that this very process never serves what it just replaced) and again
    after the transaction commits: a page that another process renders between the write
    and the commit still reads the old content, and is stored under the generation in
    between, which the commit leaves behind.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _committed()
        return
    move_cached_generation()
    # Once per transaction, however many saves it holds.
    if not any(function is _committed for _ids, function, _robust in connection.run_on_commit):
        transaction.on_commit(_committed, robust=True)


def _content_saved(sender, update_fields=None, **kwargs):
    ignored = getattr(sender, "pagecache_ignored_fields", ())
    if update_fields and ignored and set(update_fields) <= set(ignored):
        return
    content_changed()


def invalidate_on_change(*models):
    """Saving or deleting any of these models makes cached pages stale."""
    for model in models:
        uid = f"pagecache:{model._meta.label}"
        post_save.connect(_content_saved, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(content_changed, sender=model, dispatch_uid=uid + ":delete")


def register_expiry(seconds_until_next_change):
    """`seconds_until_next_change()` -> seconds (or None) until content changes by itself."""
    if seconds_until_next_change not in _expiry_sources:
        _expiry_sources.append(seconds_until_next_change)


def register_variant(name, variant_of_request, vary_on_headers=(), header_values=()):
    """Pages differ per visitor only in ways `variant_of_request(request)` names.

    It returns a short string (for the consent app: "new", "v1:analytics=1,embeds=0") and
    must cost next to nothing: it runs before every cached page is served. Pages marked
    `public_page(variants=False)` ignore every variant. `vary_on_headers` are the request
    headers the variant is read from, for the `Vary` header of stored pages. `header_values`
    are the values a front server can tell without cookies (consent: "new", "new-gpc",
    told apart by Sec-GPC): visitors in them carry no variant cookie.
    """
    _variant_sources[name] = (variant_of_request, tuple(vary_on_headers))
    _header_variant_values[name] = frozenset(header_values)


class Text:
    """A query parameter whose value is used as sent; empty means absent (`?kind=`)."""

    def canonical(self, value):
        """The canonical spelling of `value`, "" when the address leaves the parameter
        out, or None when the value means nothing (the page is a 404)."""
        return value


class Number:
    """A whole number from `minimum` to `maximum`, written in ASCII digits without sign or
    leading zeros; `default` (e.g. page 1) is written by leaving the parameter out.

    Other spellings Python's int() reads as the same number (`01`, `+1`, ` 1`, `١`) are
    redirected to the canonical one; anything else, or a number out of range, is a 404.
    """

    def __init__(self, minimum=None, maximum=None, default=None):
        self.minimum, self.maximum, self.default = minimum, maximum, default

    def canonical(self, value):
        if not value:
            return ""
        if len(value) > 40:
            return None
        try:
            number = int(value)
        except ValueError:
            return None
        if (self.minimum is not None and number < self.minimum) or (
            self.maximum is not None and number > self.maximum
        ):
            return None
        return "" if number == self.default else str(number)


class NotCanonical(Exception):
    """The query names a page by another spelling (`pairs` is the canonical query) or, with
    `pairs` None, names no page at all."""

    def __init__(self, pairs):
        super().__init__(pairs)
        self.pairs = pairs


def public_page(view=None, *, query=(), variants=True):
    """Mark a view's responses as the same for every visitor in one set of variants.

    `query` declares the query parameters the page reads: {name: Number(...) or Text()}
    (a list of names means Text for each). The view sees only those (the others are dropped
    from `request.GET` and the query string), so the cache can key on them alone, and only
    in their canonical spelling (others are redirected, or a 404, before the view runs).
    Only GET and HEAD are answered; any other method is a 405.
    `variants=False`: the page shows nothing that depends on the visitor (feeds, sitemaps),
    so one copy serves everyone. Use as `@public_page` or
    `@public_page(query={"page": Number(minimum=1, default=1)})`.
    """
    if view is None:
        return lambda view: public_page(view, query=query, variants=variants)
    used = query if isinstance(query, dict) else {name: Text() for name in query}

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            response = HttpResponseNotAllowed(["GET", "HEAD"])
            response.content = b"Method not allowed: this page answers GET and HEAD.\n"
            response["Content-Type"] = "text/plain; charset=utf-8"
            return response
        try:
            _keep_only_used_query(request, used)
        except NotCanonical as refused:
            if refused.pairs is None:
                raise Http404("There is no page at this address.") from None
            return _redirect_to(request, refused.pairs)
        response = view(request, *args, **kwargs)
        response.public_page = True
        return response

    wrapper.public_page = True
    wrapper.public_page_query = used
    wrapper.public_page_variants = variants
    return wrapper


def _redirect_to(request, pairs):
    location = escape_uri_path(request.path)
    if pairs:
        location += "?" + urlencode(pairs)
    response = HttpResponsePermanentRedirect(location)
    # A query string's spellings are countless: redirects are answered, never stored.
    response["Cache-Control"] = "no-store"
    return response


def _used_query(request, used):
    """The declared query parameters in their canonical spelling, sorted by name; raises
    NotCanonical when the request spells them otherwise."""
    pairs = []
    canonical = True
    for name, values in request.GET.lists():
        if name not in used:
            continue
        spellings = {used[name].canonical(value) for value in values}
        if None in spellings or len(spellings) > 1:
            raise NotCanonical(None)
        (spelling,) = spellings
        if len(values) > 1 or spelling != values[0] or not spelling:
            canonical = False
        if spelling:
            pairs.append((name, spelling))
    pairs.sort()
    if not canonical:
        raise NotCanonical(pairs)
    return pairs


def _keep_only_used_query(request, used):
    """Render the page as its address without unused parameters (links such as the
    banner's `next` must not carry one visitor's tracking tags into a shared copy)."""
    pairs = _used_query(request, used)
    if len(pairs) == sum(len(values) for values in request.GET.lists()):
        return
    query_string = urlencode(pairs)
    request.META["QUERY_STRING"] = query_string
    request.GET = QueryDict(query_string)


def _variants(request, view):
    if not view.public_page_variants:
        return "-"
    return "|".join(
        f"{name}={variant_of_request(request)}"
        for name, (variant_of_request, _headers) in sorted(_variant_sources.items())
    )


def _vary_headers(view):
    if not view.public_page_variants:
        return []
    # Each header once, however many variants read it (two read the Cookie header).
    return list(dict.fromkeys(
        header for _variant, headers in _variant_sources.values() for header in headers
    ))


def _key(request, generation, variants, view):
    # A request without a query string has no parameters to read (request.GET not built).
    query = _used_query(request, view.public_page_query) if request.META.get("QUERY_STRING") else []
    # escape_uri_path leaves no "?" in the path: the two parts cannot run into each other.
    address = f"{escape_uri_path(request.path)}?{urlencode(query)}"
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    return f"pagecache:page:{generation}:{_stored_headers_version()}:{variants}:{digest}"


@lru_cache(maxsize=1)
def _stored_headers_version():
    """Stored pages carry the security policies' headers: a deploy that changes them
    stores pages anew (Redis keeps entries across deploys)."""
    policies = repr([getattr(settings, name, None) for name in STORED_POLICY_SETTINGS])
    return hashlib.sha256(policies.encode()).hexdigest()[:8]


@receiver(setting_changed)
def _policy_changed(setting, **kwargs):
    if setting in STORED_POLICY_SETTINGS:
        _stored_headers_version.cache_clear()


def _cacheable_view(request):
    """The public page view this request goes to, or None when the cache must keep out."""
    if not (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    ):
        return None
    return _public_view_at(getattr(request, "urlconf", None) or settings.ROOT_URLCONF, request.path_info)


# Resolving a URL through the language-prefixed patterns is a good part of what a cache hit
# costs; a path always resolves the same way (its prefix is its language), so remember it.
# Bounded: made-up paths cannot grow it.
@lru_cache(maxsize=4096)
def _public_view_at(urlconf, path_info):
    try:
        match = resolve(path_info, urlconf)
    except Resolver404:
        return None
    return match.func if getattr(match.func, "public_page", False) else None


def _may_store(response):
    cache_control = response.get("Cache-Control", "")
    return (
        getattr(response, "public_page", False)
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


def _lifetime():
    lifetime = settings.PAGE_CACHE_SECONDS
    for source in _expiry_sources:
        seconds = source()
        if seconds is not None:
            lifetime = min(lifetime, max(int(seconds), 1))
    return lifetime


# What a stored page is: one entry per encoding ("identity", "br", "gzip"), so that a hit
# reads only the body it sends: this marker, the status, the response's headers as Django
# keeps them and the body. A hit copies them into a response as they are: headers were
# checked and encoded once, when the page was stored.
ENTRY_FORMAT = "answer-1"


def _entry_key(key, encoding):
    return f"{key}:{encoding or 'identity'}"


def _stored_answers(key, response, etag):
    """{entry key: entry} of a rendered response in each encoding, each compressed once."""
    headers = [(name, value) for name, value in response.items() if name.lower() not in _SKIPPED_HEADERS]
    bodies = {"": response.content, **compressed_bodies(response.content)}
    entries = {}
    for encoding, body in bodies.items():
        answer = HttpResponse(body, status=response.status_code)
        for name, value in headers:
            answer[name] = value
        answer["Content-Length"] = str(len(body))
        if encoding:
            answer["Content-Encoding"] = encoding
        patch_vary_headers(answer, ["Accept-Encoding"])
        answer["ETag"] = f'{etag[:-1]}-{encoding}"' if encoding else etag
        entries[_entry_key(key, encoding)] = (ENTRY_FORMAT, response.status_code, answer.headers._store, body)
    return entries


def _answer(request, entry, encoding):
    _format, status, headers, body = entry
    response = HttpResponse(body, status=status)
    # Django's own store of the headers (ResponseHeaders), filled as it was when stored.
    response.headers._store = dict(headers)
    response.page_encoding = encoding
    if response["ETag"] in request.META.get("HTTP_IF_NONE_MATCH", ""):
        not_modified = HttpResponseNotModified()
        for name, value in response.items():
            if name.lower() not in ("content-length", "content-type"):
                not_modified[name] = value
        not_modified.page_encoding = encoding
        response = not_modified
    return response


# -- Compressed once ----------------------------------------------------------------------

ENCODINGS = ("br", "gzip")


def compressed_bodies(content):
    """{encoding: body} of a page, made once, when it is stored."""
    return {
        "br": brotli.compress(content, quality=settings.PAGE_CACHE_BROTLI_QUALITY),
        "gzip": gzip.compress(content, compresslevel=9, mtime=0),
    }


def _accepted_encoding(request):
    """br or gzip, the first of those the request accepts (q > 0), or "" (identity)."""
    return _encoding_for(request.META.get("HTTP_ACCEPT_ENCODING", ""))


# Browsers send a handful of different headers: each is read once per process (bounded).
@lru_cache(maxsize=256)
def _encoding_for(header):
    accepted = {}
    for part in header.split(","):
        name, _, parameters = part.strip().partition(";")
        quality = re.search(r"q\s*=\s*([0-9.]+)", parameters)
        try:
            accepted[name.strip().lower()] = float(quality.group(1)) if quality else 1.0
        except ValueError:
            accepted[name.strip().lower()] = 0.0
    for encoding in ENCODINGS:
        if accepted.get(encoding, accepted.get("*", 0.0)) > 0:
            return encoding
    return ""


# -- The front cache (nginx) ---------------------------------------------------------------

FRONT_KEY_HEADER = "X-Front-Cache-Key"


def variant_cookie_value(variants):
    """The unsigned cookie that names `variants` for the front server: "" (no cookie) when
    it tells them apart by request headers alone. Not secret: a forged one can only ever
    select another public variant, and the app never decides anything from it."""
    if variants == "-":
        return ""
    for part in variants.split("|"):
        name, _, value = part.partition("=")
        if value not in _header_variant_values.get(name, ()):
            return "p" + hashlib.sha256(variants.encode()).hexdigest()[:20]
    return ""


def variants_with(request, **values):
    """The request's variants with some replaced (e.g. the consent a decision just made)."""
    return "|".join(
        f"{name}={values[name] if name in values else variant_of_request(request)}"
        for name, (variant_of_request, _headers) in sorted(_variant_sources.items())
    )


def set_variant_cookie(response, request, variants, max_age=None):
    value = variant_cookie_value(variants)
    name = settings.PAGE_CACHE_VARIANT_COOKIE
    if not value:
        response.delete_cookie(name, samesite="Lax")
        return
    response.set_cookie(
        name, value, max_age=max_age or 30 * 24 * 3600, secure=request.is_secure(),
        httponly=True, samesite="Lax",
    )


def _front_key(request, view, variants):
    """The key the front server would file this page under (its own format, see
    deploy/nginx.conf.in), from what the app decided: canonical address, variant cookie,
    GPC; the encoding is added once the answer is encoded. None for HEAD-less oddities."""
    query = urlencode(_used_query(request, view.public_page_query)) if request.META.get("QUERY_STRING") else ""
    address = escape_uri_path(request.path) + (f"?{query}" if query else "")
    if not view.public_page_variants:
        return address, None
    gpc = "1" if request.META.get("HTTP_SEC_GPC", "").strip() == "1" else "0"
    return address, (variant_cookie_value(variants), gpc)


def _front_cache_control():
    return (
        f"max-age=0, must-revalidate, s-maxage={settings.PAGE_FRONT_CACHE_SECONDS}, "
        f"stale-while-revalidate={settings.PAGE_FRONT_CACHE_REFRESH_SECONDS}, "
        f"stale-if-error={settings.PAGE_FRONT_CACHE_STALE_IF_ERROR_SECONDS}"
    )


def _for_front_server(request, view, variants, response):
    """Allow the front server to store this answer when its key is the app's own; put the
    visitor's variant cookie right when it does not name their variants."""
    if view.public_page_variants:
        expected = variant_cookie_value(variants)
        if request.COOKIES.get(settings.PAGE_CACHE_VARIANT_COOKIE, "") != expected:
            set_variant_cookie(response, request, variants)
    sent = request.META.get("HTTP_" + FRONT_KEY_HEADER.upper().replace("-", "_"))
    if not sent or response.status_code != 200 or response.cookies or settings.PAGE_FRONT_CACHE_SECONDS <= 0:
        return response
    parts = sent.rsplit("|", 3)
    address, variant_parts = _front_key(request, view, variants)
    if len(parts) != 4 or parts[0] != address or parts[3] != response.page_encoding:
        return response
    if variant_parts is not None and tuple(parts[1:3]) != variant_parts:
        return response
    response["Cache-Control"] = _front_cache_control()
    return response


class PublicPageCacheMiddleware:
    """Answers public pages from the cache before sessions, CSRF or the database are touched."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The URL's language, which resolving its language-prefixed path needs.
        translation.activate(language_of_path(request.path_info))
        view = _cacheable_view(request)
        if view is None:
            return self.get_response(request)
        # A refused Host header must stay a 400, even for a page that is cached.
        request.get_host()
        variants = _variants(request, view)
        try:
            key = _key(request, current_generation(), variants, view)
        except NotCanonical:
            # Another spelling, or no page: the view redirects or refuses; nothing is stored.
            return self.get_response(request)
        encoding = _accepted_encoding(request)
        entry = cache().get(_entry_key(key, encoding))
        # An entry stored in an earlier format (a deploy while the cache is warm) is
        # rendered again, never half-answered.
        if entry is not None and entry[0] == ENTRY_FORMAT:
            response = _answer(request, entry, encoding)
            response["X-Page-Cache"] = "hit"
            return _for_front_server(request, view, variants, response)

        response = self.get_response(request)
        if _may_store(response):
            # Browsers revalidate every time (their copy may belong to another consent
            # state after a decision) and get a 304 when nothing changed.
            response["Cache-Control"] = "no-cache"
            vary = _vary_headers(view)
            if vary:
                patch_vary_headers(response, vary)
            etag = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
            entries = _stored_answers(key, response, etag)
            cache().set_many(entries, _lifetime())
            response = _answer(request, entries[_entry_key(key, encoding)], encoding)
            response["X-Page-Cache"] = "miss"
            return _for_front_server(request, view, variants, response)
        return response
