"""Whole-page cache for the public pages, shared by every visitor in the same consent state.

On launch day most visitors are new, so the page *with* the cookie banner must come from
the cache as well. That works because nothing on a public page is personal:

- the banner's forms carry no CSRF token (the consent endpoint checks Origin and
  Sec-Fetch-Site instead, see consent.views), and
- everything a page takes from consent is named by `consent.state.page_variant` ("new",
  "new-gpc", "v1:analytics=1,embeds=0"), so the cache key is URL + variant, never the
  raw cookie: all visitors with the same choices share one copy.

Who is never served from (or stored in) the cache: anyone with a session cookie (editors
and staff, whose draft previews are private), any method but GET, and any response that a
view did not mark with `public_page`, that sets a cookie, says `private`/`no-store`, or is
not a 200.

Invalidation: every entry's key carries the *content generation*, which moves whenever an
editor saves or deletes content (apps list their models with `invalidate_on_change`). A save
that writes only columns visitors never see (a model names them in
`pagecache_ignored_fields`, e.g. a pending draft) leaves the generation alone.
The generation must be the same for every worker process: with a process-local cache
(local memory, the default) it is the modification time of a stamp file on this machine;
with a shared cache (Redis) it is a key in that cache, so all servers see it. Changes known
in advance (a publication scheduled for later) limit an entry's lifetime through
`register_expiry`.
"""

import hashlib
import os
import time
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, resolve
from django.utils.cache import patch_vary_headers

GENERATION_KEY = "pagecache:generation"
# Response headers a cached copy keeps; the outer middleware (security headers, CSP,
# Permissions-Policy) adds its own on every response, cached or not.
_SKIPPED_HEADERS = {"set-cookie", "date", "content-length"}
_expiry_sources = []


def cache():
    """The cache that holds pages and what they are built from."""
    return caches[settings.PAGE_CACHE_ALIAS]


def _cache_is_process_local():
    return isinstance(cache(), LocMemCache)


def _stamp_file():
    return Path(settings.PAGE_CACHE_STAMP_FILE)


def current_generation():
    if _cache_is_process_local():
        try:
            return _stamp_file().stat().st_mtime_ns
        except FileNotFoundError:
            return 0
    return cache().get(GENERATION_KEY, 0)


def content_changed(**kwargs):
    """Make every cached page stale, in every worker process."""
    if not _cache_is_process_local():
        cache().set(GENERATION_KEY, time.time_ns(), None)
        return
    path = _stamp_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        previous = path.stat().st_mtime_ns
    except FileNotFoundError:
        previous = 0
    # Set the time explicitly: file systems round mtimes (to a few ms), and two changes in
    # one such tick must still give two generations.
    stamp = max(time.time_ns(), previous + 1)
    path.touch()
    os.utime(path, ns=(stamp, stamp))


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


def public_page(view):
    """Mark a view's responses as the same for every visitor in one consent state."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.public_page = True
        return response

    wrapper.public_page = True
    return wrapper


def _variant(request):
    from consent.state import page_variant

    return page_variant(request)


def _key(request, generation, variant):
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"pagecache:page:{generation}:{variant}:{path}"


def _may_use_cache(request):
    if not (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    ):
        return False
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return getattr(match.func, "public_page", False)


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


def _answer(request, entry):
    status, headers, content, etag = entry
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    response["ETag"] = etag
    response["X-Page-Cache"] = "hit"
    return response


class PublicPageCacheMiddleware:
    """Answers public pages from the cache before sessions, CSRF or the database are touched."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _may_use_cache(request):
            return self.get_response(request)
        # A refused Host header must stay a 400, even for a page that is cached.
        request.get_host()
        generation = current_generation()
        variant = _variant(request)
        key = _key(request, generation, variant)
        entry = cache().get(key)
        if entry is not None:
            return _answer(request, entry)

        response = self.get_response(request)
        if _may_store(response):
            # Browsers revalidate every time (their copy may belong to another consent
            # state after a decision) and get a 304 when nothing changed.
            response["Cache-Control"] = "no-cache"
            patch_vary_headers(response, ["Cookie", "Sec-GPC"])
            etag = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
            headers = [
                (name, value)
                for name, value in response.items()
                if name.lower() not in _SKIPPED_HEADERS
            ]
            cache().set(key, (response.status_code, headers, response.content, etag), _lifetime())
            response["ETag"] = etag
            response["X-Page-Cache"] = "miss"
        return response
