"""The site's languages: which one a request is in, and the same page in the others.

The language is a property of the URL alone: English at the unprefixed addresses, the
others under their prefix (/fr/, /zh-hans/...). Never the Accept-Language header or a
cookie: a URL is then one page for every visitor, which the shared page cache, proxies
and search engines all rely on, and nobody is sent elsewhere than the link they followed.
"""

from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.middleware.locale import LocaleMiddleware
from django.urls import Resolver404, get_script_prefix, resolve, reverse
from django.urls.exceptions import NoReverseMatch
from django.utils import translation


class UrlLanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, reading the language from the URL's prefix only.

    With ``i18n_patterns(..., prefix_default_language=False)`` Django's own middleware
    already serves unprefixed URLs in LANGUAGE_CODE and never redirects; but it still
    parses Accept-Language on every request and marks unprefixed responses ``Vary:
    Accept-Language``, which would make shared caches keep one copy of the English pages
    per header value for nothing. This one does neither.
    """

    def process_request(self, request):
        translation.activate(language_of_path(request.path_info))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


def language_of_path(path_info):
    """The language a path is in: its first segment's, or English (LANGUAGE_CODE)."""
    first_segment = path_info.split("/", 2)[1:2]
    return _language_named(first_segment[0] if first_segment else "")


# Every request asks: a path's first segment names its language, or none does (English).
# Bounded: made-up first segments cannot grow it.
@lru_cache(maxsize=512)
def _language_named(segment):
    return translation.get_language_from_path(f"/{segment}/") or settings.LANGUAGE_CODE


@receiver(setting_changed)
def _languages_changed(setting, **kwargs):
    if setting in ("LANGUAGES", "LANGUAGE_CODE"):
        _language_named.cache_clear()


def _page_at(path):
    """The match of the view that answers `path` (no query) in the current language, or
    None when no page of the site does (a 404, the admin)."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return None if match.namespace == "admin" else match


def _path_in(match, language):
    """The path of the page `match` found, in `language`, or None if it has none there."""
    with translation.override(language):
        try:
            return reverse(match.view_name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return None


def _version(code, name, path, current):
    return {
        "code": code,
        "name": name,
        "bidi": translation.get_language_info(code)["bidi"],
        "path": path,
        "current": code == current,
    }


def versions(path):
    """`path` (with its query) in every language, or [] when it is no page of the site (a
    404, the admin) or has no version in one of them.

    Each version is a dict: ``code`` (``fr``), ``name`` (the language's name in itself),
    ``bidi`` (written right to left), ``path`` and ``current`` (the request's language).
    The path is resolved once, in the request's language, and reversed in each language
    (every page renders this twice: its language switcher and its hreflang links).
    """
    parts = urlsplit(path)
    match = _page_at(parts.path)
    if match is None:
        return []
    current = translation.get_language()
    pages = []
    for code, name in settings.LANGUAGES:
        translated = _path_in(match, code)
        if translated is None:
            return []
        pages.append(_version(code, name, urlunsplit(("", "", translated, parts.query, "")), current))
    return pages


def home_pages():
    """Each language's root (its home page), for pages that have no version in others."""
    current = translation.get_language()
    root = get_script_prefix()
    return [
        _version(code, name, root if code == settings.LANGUAGE_CODE else f"{root}{code}/", current)
        for code, name in settings.LANGUAGES
    ]
