"""Template tags for the language switcher and the hreflang alternates of a page."""

from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.utils import translation
from django.utils.safestring import mark_safe

from reportsite import languages
from reportsite.translated_content import shows_english_fallback

register = template.Library()


@register.simple_tag(takes_context=True)
def language_switcher(context):
    """The current page in every language (each language's home page on an error page)."""
    request = context.get("request")
    if request is None:
        return []
    return languages.versions(request.get_full_path()) or languages.home_pages()


@register.simple_tag
def hreflang_alternates(canonical):
    """[(hreflang, absolute URL)] for the canonical URL: the six languages and x-default."""
    parts = urlsplit(canonical)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    versions = languages.versions(path)
    links = [(version["code"], settings.SITE_URL + version["path"]) for version in versions]
    if links:
        default = next(url for code, url in links if code == settings.LANGUAGE_CODE)
        links.append(("x-default", default))
    return links


@register.simple_tag
def content_language():
    """` lang="en" dir="ltr"` on content entered in English, when the page is in another
    language: screen readers then pronounce it as English, and an English paragraph keeps
    its direction on a right-to-left page. For content that is never translated (the
    site's name, citations); translated fields use `fallback_language`."""
    if translation.get_language() == settings.LANGUAGE_CODE:
        return ""
    return _english()


def _english():
    return mark_safe(f' lang="{settings.LANGUAGE_CODE}" dir="ltr"')


@register.filter
def fallback_language(obj, field_name):
    """` lang="en" dir="ltr"` when `obj`'s `field_name` has no translation in the page's
    language, so the English text shown instead is marked as English; else nothing.
    Usage: <h1{{ publication|fallback_language:"title" }}>{{ publication.title }}</h1>"""
    if obj is None or not shows_english_fallback(obj, field_name):
        return ""
    return _english()
